#!/usr/bin/env python3
"""A real Modbus RTU slave (pymodbus) for dosed's driver tests.

Serves one slave on a serial port (a socat pty in the tests) with deterministic registers,
computed at the moment each request is handled, T seconds after start-up:

  0     u16  counter: (u16_start + ticks) mod 2**16
  1-2   u32  counter: (u32_start + ticks) mod 2**32, high word first

where ticks is floor(rate * T), or with --per-request N, N times the number of requests
handled so far (counts that do not depend on when the requests come).
  3-4   f32  rate in counts per second (--cps), low word first

Every other address answers exception 2 (illegal data address). Prints READY on stdout once
the port is open. Exits 3 with an install hint when pymodbus is missing.

    pip install "pymodbus[serial]==3.16.1"
"""

import argparse
import asyncio
import logging
import math
import struct
import sys
import time

try:
    from pymodbus.server import ModbusSerialServer
    from pymodbus.simulator import DataType, SimData, SimDevice
except ImportError as error:  # pragma: no cover - the message is the point
    print(
        f"pymodbus is not installed ({error}); install it with: "
        'python3 -m pip install "pymodbus[serial]==3.16.1"',
        file=sys.stderr,
    )
    sys.exit(3)

REGISTERS = 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", required=True)
    parser.add_argument("--slave", type=int, default=1)
    parser.add_argument("--baud", type=int, default=9600)
    parser.add_argument("--rate", type=float, default=100.0, help="counter increments per second")
    parser.add_argument(
        "--per-request", type=int, default=0, help="counter increments per request instead"
    )
    parser.add_argument("--u16-start", type=int, default=0)
    parser.add_argument("--u32-start", type=int, default=0)
    parser.add_argument("--cps", type=float, default=12.5)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # pymodbus deprecation chatter
    origin = time.monotonic()
    requests = 0

    async def action(function_code, start_address, address, count, registers, set_values):
        nonlocal requests
        requests += 1
        if args.per_request:
            ticks = args.per_request * requests
        else:
            ticks = math.floor(args.rate * (time.monotonic() - origin))
        u16 = (args.u16_start + ticks) % 2**16
        u32 = (args.u32_start + ticks) % 2**32
        (rate_high, rate_low) = struct.unpack(">HH", struct.pack(">f", args.cps))
        values = [u16, u32 >> 16, u32 & 0xFFFF, rate_low, rate_high]
        # The block starts at address 0, so registers[i] is address i.
        registers[:REGISTERS] = values
        return None

    device = SimDevice(
        id=args.slave,
        simdata=[SimData(0, count=REGISTERS, values=0, datatype=DataType.REGISTERS)],
        action=action,
    )

    def connected(up: bool) -> None:
        if up:
            print("READY", flush=True)

    async def serve() -> None:
        server = ModbusSerialServer(
            device, port=args.port, baudrate=args.baud, trace_connect=connected
        )
        await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
