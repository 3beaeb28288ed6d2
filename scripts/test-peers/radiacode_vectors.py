#!/usr/bin/env python3
"""Test vectors for the Swift RadiaCode codec, produced by the `radiacode` package itself.

Requests are encoded by `RadiaCode.execute` (and the methods that call it) against a fake
connection that records the frame and answers with a canned reply; replies are decoded by the
package's own methods and decoders. Prints one JSON document on stdout.

Needs: python3 -m pip install radiacode==0.4.0
"""

import datetime
import json
import random
import struct
import sys

try:
    import radiacode
    from radiacode import radiacode as rc_module
    from radiacode.bytes_buffer import BytesBuffer
    from radiacode.decoders.databuf import decode_VS_DATA_BUF
    from radiacode.decoders.spectrum import decode_RC_VS_SPECTRUM
    from radiacode.types import COMMAND, VSFR, DoseRateDB, Event, RareData, RawData, RealTimeData
except ImportError as error:  # the Swift test turns this into an install hint
    print(f'radiacode is not installed ({error}): python3 -m pip install radiacode==0.4.0', file=sys.stderr)
    sys.exit(3)

EXPECTED_VERSION = '0.4.0'


class FakeConnection:
    """Stands in for transports.usb.Usb: records the request, echoes its header + a payload."""

    def __init__(self):
        self.sent = None
        self.reply = b''

    def execute(self, request: bytes) -> BytesBuffer:
        self.sent = request
        # Usb.execute strips the u32 length prefix before handing over the buffer.
        return BytesBuffer(request[4:8] + self.reply)

    def close(self):
        pass


def device(seq=0, spectrum_format=0):
    dev = rc_module.RadiaCode.__new__(rc_module.RadiaCode)
    dev._seq = seq
    dev._connection = FakeConnection()
    dev._base_time = datetime.datetime(2024, 1, 1)
    dev._spectrum_format_version = spectrum_format
    return dev


def vstring(data: bytes, extra=b'') -> bytes:
    return struct.pack('<II', 1, len(data)) + data + extra


def outcome(fn):
    try:
        return {'ok': fn()}
    except Exception as error:  # noqa: BLE001 - any failure is the expected answer
        return {'error': type(error).__name__}


def exchange(name, call, reply=b'', seq=0, spectrum_format=0):
    dev = device(seq, spectrum_format)
    dev._connection.reply = reply
    result = outcome(lambda: call(dev))
    return {
        'name': name,
        'request': dev._connection.sent.hex(),
        'reply': reply.hex(),
        'next_seq': dev._seq,
        **result,
    }


def record_json(rec, base):
    ticks = (rec.dt - base) // datetime.timedelta(milliseconds=10)
    if isinstance(rec, RealTimeData):
        return {'type': 'realTime', 'ticks': ticks, 'count_rate': rec.count_rate, 'dose_rate': rec.dose_rate,
                'count_rate_err': rec.count_rate_err, 'dose_rate_err': rec.dose_rate_err,
                'flags': rec.flags, 'rt_flags': rec.real_time_flags}
    if isinstance(rec, RawData):
        return {'type': 'raw', 'ticks': ticks, 'count_rate': rec.count_rate, 'dose_rate': rec.dose_rate}
    if isinstance(rec, DoseRateDB):
        return {'type': 'doseRateDB', 'ticks': ticks, 'count': rec.count, 'count_rate': rec.count_rate,
                'dose_rate': rec.dose_rate, 'dose_rate_err': rec.dose_rate_err, 'flags': rec.flags}
    if isinstance(rec, RareData):
        return {'type': 'rare', 'ticks': ticks, 'duration': rec.duration, 'dose': rec.dose,
                'temperature': rec.temperature, 'charge_level': rec.charge_level, 'flags': rec.flags}
    if isinstance(rec, Event):
        return {'type': 'event', 'ticks': ticks, 'event': int(rec.event), 'param': rec.event_param1,
                'flags': rec.flags}
    raise TypeError(rec)


def f32(rng):
    return struct.unpack('<f', struct.pack('<f', rng.uniform(-1e6, 1e6)))[0]


def random_record(rng, seq):
    """A well-formed record of any type the package can frame."""
    kinds = [(0, 0), (0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (0, 6), (0, 7), (0, 8), (0, 9),
             (1, 1), (1, 2), (1, 3)]
    eid, gid = rng.choice(kinds)
    head = struct.pack('<BBBi', seq, eid, gid, rng.randint(-2**31, 2**31 - 1))
    u16 = lambda: rng.randint(0, 0xFFFF)  # noqa: E731
    if (eid, gid) == (0, 0):
        body = struct.pack('<ffHHHB', f32(rng), f32(rng), u16(), u16(), u16(), rng.randint(0, 255))
    elif (eid, gid) == (0, 1):
        body = struct.pack('<ff', f32(rng), f32(rng))
    elif (eid, gid) in {(0, 2), (0, 4), (0, 5)}:
        body = struct.pack('<IffHH', rng.randint(0, 2**32 - 1), f32(rng), f32(rng), u16(), u16())
    elif (eid, gid) == (0, 3):
        body = struct.pack('<IfHHH', rng.randint(0, 2**32 - 1), f32(rng), u16(), u16(), u16())
    elif (eid, gid) == (0, 6):
        body = struct.pack('<HHH', u16(), u16(), u16())
    elif (eid, gid) == (0, 7):
        body = struct.pack('<BBH', rng.randint(0, 22), rng.randint(0, 255), u16())
    elif (eid, gid) in {(0, 8), (0, 9)}:
        body = struct.pack('<fH', f32(rng), u16())
    else:
        n = rng.randint(0, 5)
        size = {1: 8, 2: 16, 3: 14}[gid]
        body = struct.pack('<HI', n, rng.randint(0, 2**32 - 1)) + bytes(rng.randint(0, 255) for _ in range(n * size))
    return head + body


def databuf_case(name, data):
    base = datetime.datetime(2024, 1, 1)
    result = outcome(lambda: [record_json(r, base) for r in decode_VS_DATA_BUF(BytesBuffer(data), base)])
    return {'name': name, 'data': data.hex(), **result}


def v1_run(width, values):
    """Our own encoder for format-1 runs, to give the package's decoder something to chew."""
    out = struct.pack('<H', (len(values) << 4) | width)
    for v in values:
        out += {0: lambda _: b'', 1: lambda x: struct.pack('<B', x), 2: lambda x: struct.pack('<b', x),
                3: lambda x: struct.pack('<h', x), 4: lambda x: struct.pack('<i', x)[:3],
                5: lambda x: struct.pack('<i', x)}[width](v)
    return out


def spectrum_case(name, data, fmt):
    def run():
        s = decode_RC_VS_SPECTRUM(BytesBuffer(data), fmt)
        return {'duration': int(s.duration.total_seconds()), 'a0': s.a0, 'a1': s.a1, 'a2': s.a2,
                'counts': s.counts}
    return {'name': name, 'data': data.hex(), 'format': fmt, **outcome(run)}


def main():
    installed = getattr(radiacode, '__version__', None)
    if installed is None:
        from importlib.metadata import version
        installed = version('radiacode')

    version_reply = (struct.pack('<HH', 4, 1) + bytes([10]) + b'Jan 1 2023' + struct.pack('<HH', 12, 4)
                     + bytes([12]) + b'Feb 2 2024\x00\x00')
    serial_reply = struct.pack('<III', 8, 0x12345678, 0x9ABCDEF0)
    signature_reply = struct.pack('<I', 0xCAFEBABE) + bytes([6]) + b'rc.bin' + bytes([5]) + b'RC-10'
    calib = struct.pack('<fff', -5.5, 2.4, 0.0004)
    batch = [VSFR.CPS, VSFR.DR_uR_h, VSFR.DS_uR, VSFR.TEMP_degC]
    batch_reply = struct.pack('<IIIIf', 0xF, 42, 1234, 56789, 23.25)
    spectrum = struct.pack('<Ifff', 3600, -5.5, 2.4, 0.0004) + struct.pack('<4I', 0, 7, 70000, 3)
    configuration = b'DeviceName=RadiaCode-102\r\nSpecFormatVersion=1\r\nChannels=1024\r\n'

    exchanges = [
        exchange('set_exchange', lambda d: d.execute(COMMAND.SET_EXCHANGE, b'\x01\xff\x12\xff') and None),
        exchange('set_time', lambda d: d.set_local_time(datetime.datetime(2024, 3, 5, 14, 7, 9)), seq=1),
        exchange('device_time_zero', lambda d: d.device_time(0), struct.pack('<I', 1), seq=2),
        exchange('fw_version', lambda d: d.fw_version(), version_reply, seq=3),
        exchange('configuration', lambda d: d.configuration(), vstring(configuration), seq=4),
        exchange('serial_number', lambda d: d.serial_number(), vstring(b'RC-102-001234'), seq=5),
        exchange('hw_serial_number', lambda d: d.hw_serial_number(), serial_reply, seq=6),
        exchange('fw_signature', lambda d: d.fw_signature(), signature_reply, seq=7),
        exchange('status', lambda d: d.status(), struct.pack('<I', 0x21), seq=8),
        exchange('energy_calib', lambda d: d.energy_calib(), vstring(calib), seq=9),
        exchange('spectrum_reset', lambda d: d.spectrum_reset(), struct.pack('<I', 1), seq=10),
        exchange('dose_reset', lambda d: d.dose_reset(), struct.pack('<I', 1), seq=11),
        exchange('batch_read', lambda d: d._batch_read_vsfrs(batch), batch_reply, seq=12),
        exchange('batch_read_invalid', lambda d: d._batch_read_vsfrs(batch),
                 struct.pack('<IIIIf', 0xB, 42, 0, 56789, 23.25), seq=13),
        exchange('spectrum_v0', lambda d: d.spectrum().counts, vstring(spectrum), seq=14),
        exchange('spectrum_accum_v1', lambda d: d.spectrum_accum().counts,
                 vstring(struct.pack('<Ifff', 60, 0, 3, 0) + v1_run(1, [5, 6]) + v1_run(2, [-1])),
                 seq=15, spectrum_format=1),
        exchange('data_buf_extra_nul', lambda d: [record_json(r, d._base_time) for r in d.data_buf()],
                 vstring(struct.pack('<BBBi', 0, 0, 7, 5) + struct.pack('<BBH', 9, 1, 2), b'\x00'), seq=16),
        exchange('read_bad_retcode', lambda d: d.serial_number(), struct.pack('<II', 0, 0), seq=17),
        exchange('read_bad_length', lambda d: d.serial_number(), struct.pack('<II', 1, 5) + b'abc', seq=18),
        exchange('seq_wraps', lambda d: d.status(), struct.pack('<I', 0), seq=31),
    ]

    rng = random.Random(20240305)
    rt = struct.pack('<BBBi', 10, 0, 0, 100) + struct.pack('<ffHHHB', 12.5, 0.00015, 35, 72, 0x41, 3)
    databuf = [
        databuf_case('empty', b''),
        databuf_case('realtime_only', rt),
        databuf_case('seq_jump', rt + struct.pack('<BBBi', 13, 0, 1, 101) + struct.pack('<ff', 1, 2)),
        databuf_case('unknown_type', rt + struct.pack('<BBBi', 11, 0, 42, 101) + bytes(20)),
        databuf_case('leftover', rt + bytes(6)),
        databuf_case('truncated_rare', rt + struct.pack('<BBBi', 11, 0, 3, 101) + bytes(5)),
        databuf_case('seq_wraps_256', struct.pack('<BBBi', 255, 0, 1, -7) + struct.pack('<ff', 1.5, 2.5)
                     + struct.pack('<BBBi', 0, 0, 1, -6) + struct.pack('<ff', 3.5, 4.5)),
    ]
    for i in range(60):
        start = rng.randint(0, 255)
        data = b''.join(random_record(rng, (start + k) % 256) for k in range(rng.randint(1, 12)))
        databuf.append(databuf_case(f'random_{i}', data))

    head = struct.pack('<Ifff', 120, -5.25, 2.5, 0.00035)
    spectra = [
        spectrum_case('v0', head + struct.pack('<5I', 0, 1, 2, 0xFFFFFFFF, 17), 0),
        spectrum_case('v0_header_only', head, 0),
        spectrum_case('v0_ragged', head + struct.pack('<I', 5) + b'\x01\x02', 0),
        spectrum_case('v1_all_widths', head + v1_run(0, [0, 0, 0]) + v1_run(1, [200, 3]) + v1_run(2, [-3, 100])
                      + v1_run(3, [-20000, 30000]) + v1_run(4, [-4_000_000, 8_000_000])
                      + v1_run(5, [-2_000_000_000, 2_000_000_000]) + v1_run(1, [255]), 1),
        spectrum_case('v1_negative', head + v1_run(1, [2]) + v1_run(2, [-5]), 1),
        spectrum_case('v1_bad_width', head + v1_run(1, [1]) + struct.pack('<H', (1 << 4) | 7) + b'\x00' * 4, 1),
        spectrum_case('v1_truncated', head + struct.pack('<H', (3 << 4) | 3) + b'\x01\x00', 1),
        spectrum_case('bad_format', head, 2),
        spectrum_case('short_head', head[:10], 0),
    ]
    for i in range(20):
        runs = b''
        for _ in range(rng.randint(1, 8)):
            width = rng.randint(0, 5)
            limit = {0: 0, 1: 255, 2: 127, 3: 32767, 4: 2**23 - 1, 5: 2**31 - 1}[width]
            low = 0 if width <= 1 else -limit - 1
            runs += v1_run(width, [rng.randint(low, limit) for _ in range(rng.randint(0, 20))])
        spectra.append(spectrum_case(f'v1_random_{i}', head + runs, 1))

    json.dump({'package_version': installed, 'expected_version': EXPECTED_VERSION,
               'exchanges': exchanges, 'databuf': databuf, 'spectra': spectra}, sys.stdout, indent=1)


if __name__ == '__main__':
    main()
