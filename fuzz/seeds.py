#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (issue 9) into fuzz/corpus/<target>/.

Every seed is a frame, line or file the unit tests, the device emulators or docs/protocol.md
already use, so the fuzzers start from what real devices and clients send. Run from the
repository root: python3 fuzz/seeds.py. The output is checked in; rerun after editing.
"""
import pathlib
import re
import shutil
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def crc16(data: bytes) -> bytes:
    """CRC-16/MODBUS, low byte first (ModbusRTU.crc16)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return struct.pack("<H", crc)


def modbus(frame: bytes) -> bytes:
    return frame + crc16(frame)


def radiacode_frame(command: int, sequence: int, payload: bytes) -> bytes:
    header = struct.pack("<HBB", command, 0, 0x80 | (sequence & 0x1F))
    return struct.pack("<I", len(header) + len(payload)) + header + payload


def strip_comments(text: str) -> str:
    """A TOML file without its comment-only and blank lines (keeps the seed small)."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return "\n".join(lines) + "\n"


MIGHTYOHM = b"CPS, 3, CPM, 28, uSv/hr, 0.15, SLOW\r\nCPS, 312, CPM, 18720, uSv/hr, 106.70, INST\r\n"
BGEIGIE = (
    b"$BNRDD,1,2012-07-05T12:02:36Z,4,3,4,V,3543.1917,N,13942.0190,E,25.30,A,9999,0*69\r\n"
    b"$BNRDD,1,2012-07-05T12:02:41Z,5,1,5,V,3543.1909,N,13942.0200,E,25.30,A,9999,0*6E\r\n"
)
OPENGAMMA_INFO = "".join(
    f"[#] {line}\r\n"
    for line in [
        "=========================", "-- Open Gamma Detector --",
        "By NuclearPhoenix, Open Gamma Project", "Firmware Version: 4.3.2",
        "Runtime: \t\t12.34 s",
    ]
).encode()
OPENGAMMA_SETTINGS = (
    b'{\r\n  "ser_output": "events",\r\n  "geiger_mode": false,\r\n  "print_spectrum": false,\r\n'
    b'  "meas_avg": 2,\r\n  "enable_trng": false,\r\n  "tick_rate": 20\r\n}\r\n'
    b"[#] Read settings file successfully.\r\n"
)
# RadiaCode: a DATA_BUF with a RealTimeData and an Event record (RadiaCodeCodecTests).
DATABUF = (
    bytes([7, 0, 0, 100, 0, 0, 0, 0x00, 0x00, 0x48, 0x41, 0x00, 0x00, 0x00, 0x3F, 35, 0, 72, 0])
    + bytes([0x41, 0x00, 3]) + bytes([8, 0, 7, 0xFF, 0xFF, 0xFF, 0xFF, 9, 1, 2, 0])
)
SAMPLES = bytes([0, 1, 2, 0, 0, 0, 0, 1, 0, 10, 0, 0, 0]) + bytes(16)
SPECTRUM_HEAD = bytes([60, 0, 0, 0]) + bytes(12)
SPECTRUM_RUNS = bytes([0x21, 0x00, 5, 6, 0x12, 0x00, 0xFF, 0x14, 0x00, 0x00, 0x00, 0xFF])
VERSION = (
    struct.pack("<HH", 4, 1) + bytes([11]) + b"Jan 10 2023"
    + struct.pack("<HH", 12, 4) + bytes([12]) + b"Feb 20 2024\0"
)



def vstring(data: bytes) -> bytes:
    """An RD_VIRT_STRING reply payload: return code 1, length, data."""
    return struct.pack("<II", 1, len(data)) + data


def script(flags: int, payloads: list) -> bytes:
    """FuzzRadiaCodeSession input: flags, then each reply payload after a u16 length."""
    return bytes([flags]) + b"".join(struct.pack("<H", len(p)) + p for p in payloads)


def spectrum1(duration: int, values: list) -> bytes:
    """A format-1 spectrum with absolute u8 values (run header: count << 4 | width 1)."""
    return vstring(struct.pack("<Ifff", duration, 0.0, 3.0, 0.0)
                   + struct.pack("<H", len(values) << 4 | 1) + bytes(values))


ACK = struct.pack("<I", 1)
SESSION_START = [ACK, ACK, ACK, VERSION]

PROTOCOL_LINES = [
    b'{"id":1,"cmd":"status"}',
    b'{"id":"a","cmd":"watch"}',
    b'{"cmd":"version"}',
    b'{"id":null,"cmd":"detectors"}',
    b'{"id":1,"cmd":"room_admit","room":"room-1","patient":"P-0042","nuclide":"Lu-177",'
    b'"activity_bq":7.4e9}',
    b'{"id":2,"cmd":"room_calibrate","room":"room-1","at_1m_usv_h":27}',
    b'{"id":4,"cmd":"room_clear","room":"room-1","wipe_test":"12 wipes < 200 dpm/100 cm2"}',
    b'{"id":1,"cmd":"waste_add","package":"W-1","store":"waste-store","activities_bq":'
    b'{"Lu-177":5e7,"Lu-177m":1e4},"mass_g":1000,"at":"2026-11-20T10:00:00Z","surface_usv_h":3}',
    b'{"id":4,"cmd":"waste_survey","package":"W-1","surveyor":"J. Smith"}',
    b'{"id":10,"cmd":"alarm_ack","alarm":"fault:room-2-door","note":"tube replaced"}',
    b'{"id":6,"cmd":"events","last_s":86400,"location":"room-1","limit":100}',
    b'{"id":7,"cmd":"history","of":"room-1","last_s":86400}',
]

MINIMAL_CONFIG = b"""[daemon]
socket = "/run/dosed/dosed.sock"
state_dir = "/var/lib/dosed"
log_level = "info"

[[detector]]
id = "room-1-ceiling"
driver = "simulated"
sensitivity_cpm_per_usv_h = 106.0
dead_time_s = 0.00019

[[location]]
id = "room-1"
kind = "isolation_room"
detectors = ["room-1-ceiling"]
warn_usv_h = 5.0
alarm_usv_h = 20.0
"""

SEEDS = {
    "FuzzGMC": {
        "getver-320": b"GMC-320Re 4.26",
        "getver-500plus": b"GMC-500+Re 1.18",
        "getver-320v5-nul": b"GMC-320+V5\0RRe 5.73",
        "cps-2": bytes([0x80, 0x1C]),
        "cps-4": bytes([0x00, 0x01, 0x86, 0xA0]),
        "serial": bytes([0xF4, 0x88, 0xE0, 0x0B, 0xB5, 0xA4, 0xE0]),
        "datetime": bytes([0x19, 0x03, 0x1F, 0x17, 0x3B, 0x3A, 0xAA]),
    },
    "FuzzRadPro": {
        "device-id": b"OK FS2011 (STM32F051C8);Rad Pro 2.0/en;b5706d\r\n",
        "pulse-counts": b"OK 4294967290\r\nOK 12\r\n",
        "rate": b"OK 18.5\r\nERROR\r\nOK\r\n",
    },
    "FuzzLines": {
        "mightyohm": MIGHTYOHM,
        "mightyohm-noise": b"\x07x#\xef\xbf\xbdCPS, 4, CPM, 240, uSv/hr, 1.37, SLOW\r\nCPS, 12*, CPM, 700\n",
        "mightyohm-banner": b"mightyohm.com Geiger Counter 1.00\r\n",
        "gc10": b"60\r\n 1234 \r\n",
        "regex": b"t=17 counts=42 v=3.3\nCPM: 120\n",
    },
    "FuzzBGeigie": {"bnrdd": BGEIGIE, "log-header": b"# NEW LOG\r\n$GPGGA,1,2*41\r\n"},
    "FuzzOpenGamma": {
        "events": b"389;874;359;\r\n4095;0;\r\n12;12;7\r\n",
        "info": OPENGAMMA_INFO,
        "settings": OPENGAMMA_SETTINGS,
        "replies": b"[#] Set serial output mode to events.\r\n[!] Invalid input 'x'.\r\n",
    },
    "FuzzModbus": {
        "holding-u32": bytes([0x01, 0x03, 0x04, 0x00, 0x01, 0x00, 0x02, 0x2A, 0x32]),
        "input-u32": bytes([0x01, 0x04, 0x04, 0x00, 0x00, 0xFF, 0xFF, 0xFA, 0x34]),
        "holding-u16": modbus(bytes([0x01, 0x03, 0x02, 0x00, 0x2A])),
        "input-f32": modbus(bytes([0xF7, 0x04, 0x04, 0x41, 0x48, 0x00, 0x00])),
        "exception-3": bytes([0x01, 0x83, 0x02, 0xC0, 0xF1]),
        "exception-4": bytes([0x01, 0x84, 0x02, 0xC2, 0xC1]),
    },
    "FuzzRadiaCode": {
        "ack-frame": bytes([0x08, 0, 0, 0, 0x25, 0x08, 0x00, 0x82, 1, 0, 0, 0]),
        "databuf": DATABUF,
        "databuf-samples": SAMPLES + bytes([1, 0, 99, 0, 0, 0, 0, 1, 2, 3]),
        "databuf-frame": radiacode_frame(
            0x0826, 5, struct.pack("<II", 1, len(DATABUF)) + DATABUF + b"\0"),
        "spectrum-1": SPECTRUM_HEAD + SPECTRUM_RUNS,
        "spectrum-0": SPECTRUM_HEAD + struct.pack("<8I", 0, 1, 2, 3, 5, 8, 13, 21),
        "version": VERSION,
        "serial": struct.pack("<I", 8) + struct.pack("<II", 0x12345678, 0xABCDEF01),
        "signature": struct.pack("<I", 0xDEADBEEF) + bytes([6]) + b"fw.bin" + bytes([3]) + b"rc1",
        "registers": struct.pack("<III", 3, 17, 0x41C80000),
        "configuration": b"Name=x\r\nSpecFormatVersion=1\r\n",
    },
    "FuzzRadiaCodeSession": {
        "rates": script(0, SESSION_START + [vstring(b"SpecFormatVersion=0\n")]
                        + [vstring(DATABUF)] * 6),
        "spectra": script(1, SESSION_START + [
            vstring(b"SpecFormatVersion=1\n"), vstring(DATABUF), spectrum1(60, [5, 6]),
            vstring(DATABUF), vstring(DATABUF), spectrum1(62, [7, 9]),
            vstring(DATABUF), vstring(DATABUF), spectrum1(64, [9, 12])]),
    },
    "FuzzRequest": {
        # First byte: chunk size - 1 in its low six bits; 0x40 selects the 64-byte line limit.
        "protocol-lines": bytes([0x3F]) + b"\n".join(PROTOCOL_LINES) + b"\n",
        "crlf-small-chunks": bytes([0x02]) + b'{"id":1,"cmd":"status"}\r\n{"cmd":"version"}',
        "too-long": bytes([0x47]) + b'{"id":1,"cmd":"status","pad":"' + b"x" * 80 + b'"}\n',
        "bad": bytes([0x10]) + b'{"id":9,"cmd":"launch"}\n[1,2]\n{"id":1.5,"cmd":"status"}\n\xff\xfe\n',
    },
    "FuzzConfig": {
        "minimal.toml": MINIMAL_CONFIG,
        "dosed.toml": strip_comments((ROOT / "config" / "dosed.toml").read_text()).encode(),
        "demo-ward.toml": strip_comments((ROOT / "config" / "demo-ward.toml").read_text()).encode(),
    },
    "FuzzNotifyConfig": {
        "notify.toml": strip_comments((ROOT / "config" / "notify.toml").read_text()).encode(),
        "minimal.toml": b'socket = "/run/dosed/dosed.sock"\n[[action]]\nname = "b"\nkind = "exec"\n'
        b'command = ["/bin/true"]\n[[escalation]]\nafter_s = 300\nactions = ["b"]\n',
    },
    "FuzzBoardConfig": {
        "board.toml": strip_comments((ROOT / "config" / "board.toml").read_text()).encode(),
        "demo-board.toml": strip_comments((ROOT / "config" / "demo-board.toml").read_text()).encode(),
    },
    "FuzzQuantities": {
        "all": b"7.4GBq\n200mCi\n27uSv/h\n0.5 mSv/h\n1kg\n250g\nLu-177=50MBq\n24h\n30m\n"
        b"2026-11-27T10:00:00Z\n2026-11-27T10:00:00.250+01:00\n",
    },
}


def main() -> None:
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    for target, seeds in SEEDS.items():
        directory = CORPUS / target
        directory.mkdir(parents=True)
        for name, data in seeds.items():
            (directory / name).write_bytes(data)
    total = sum(len(s) for s in SEEDS.values())
    print(f"wrote {total} seeds for {len(SEEDS)} targets under {CORPUS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
