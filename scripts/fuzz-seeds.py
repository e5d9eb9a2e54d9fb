#!/usr/bin/env python3
"""Writes the seed inputs of the Jazzer fuzz targets (scripts/fuzz.sh) where Jazzer's JUnit
integration replays them: <module>/src/test/resources/<package>/<Class>Inputs/<method>/<name>.
Run from the repository root; it only (re)writes the files named here, so committed findings
(crash-*, kept as regression inputs) stay. The inputs are small and hand-made: a valid example of
each format the target reads, plus a few broken ones; the fuzzer grows its own corpus from them."""
import gzip
import os
import struct

def put(module, cls, method, name, data):
    pkg, _, simple = cls.rpartition(".")
    d = os.path.join(module, "src/test/resources", pkg.replace(".", "/"), simple + "Inputs", method)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)

# --- a minimal msgpack encoder (str, bin, int, bool, nil, list, dict, ext) for the Forward frames
class Ext:
    def __init__(self, code, data): self.code, self.data = code, data

def mp(v):
    if v is None: return b"\xc0"
    if v is True: return b"\xc3"
    if v is False: return b"\xc2"
    if isinstance(v, int):
        if 0 <= v < 128: return bytes([v])
        if 0 <= v < 2**32: return b"\xce" + struct.pack(">I", v)
        return b"\xd3" + struct.pack(">q", v)
    if isinstance(v, str):
        b = v.encode()
        return (bytes([0xa0 | len(b)]) if len(b) < 32 else b"\xd9" + bytes([len(b)]) if len(b) < 256 else b"\xda" + struct.pack(">H", len(b))) + b
    if isinstance(v, (bytes, bytearray)):
        return (b"\xc4" + bytes([len(v)]) if len(v) < 256 else b"\xc5" + struct.pack(">H", len(v))) + bytes(v)
    if isinstance(v, Ext):
        assert len(v.data) == 8
        return b"\xd7" + struct.pack(">b", v.code) + v.data
    if isinstance(v, list):
        return (bytes([0x90 | len(v)]) if len(v) < 16 else b"\xdc" + struct.pack(">H", len(v))) + b"".join(mp(x) for x in v)
    if isinstance(v, dict):
        return bytes([0x80 | len(v)]) + b"".join(mp(k) + mp(x) for k, x in v.items())
    raise TypeError(v)

T = 1733392800
ET = Ext(0, struct.pack(">II", T, 123456789))
REC = {"log": "GET /api/users 200", "container_id": "abc123", "container_name": "/web-1", "source": "stdout"}
entries = mp([T, REC]) + mp([ET, {"log": "second"}])
FWD = "io.loglane.inputs.forward.ForwardDecoderFuzzTest"
for name, data in {
    "message-mode": mp(["app.access", T, REC]),
    "message-eventtime-chunk": mp(["app.access", ET, REC, {"chunk": "p8n9gmxTQVC8/nh2wlKKeQ=="}]),
    "forward-mode": mp(["web.log", [[T, REC], [ET, {"log": "b"}]], {"chunk": "c1", "size": 2}]),
    "packed-forward": mp(["web.log", entries, {"size": 2}]),
    "packed-forward-str": mp(["web.log", entries.decode("latin-1")]),
    "compressed-packed-forward": mp(["web.log", gzip.compress(entries, mtime=0), {"compressed": "gzip", "chunk": "z1"}]),
    "two-frames": mp(["a", T, {"log": "1"}]) + mp(["b", T, {"log": "2"}]),
    "bad-entry-then-frame": mp(["a", [[T, "not a map"], [T, {"log": "ok"}]]]) + mp(["b", T, {}]),
    "fluent-signal": mp(["m", T, {"x": 1}, {"fluent_signal": 1}]),
    "garbage": b"\x01\x02\x03",
    "truncated": mp(["app.access", T, REC])[:-3],
}.items():
    put("loglane-inputs", FWD, "decodesAnyByteStream", name, data)

HS = "io.loglane.inputs.forward.ForwardHandshakeFuzzTest"
put("loglane-inputs", HS, "handshakeThenFrames", "right-ping-then-frame", b"!fluent-bit-1\x00\xff\xfe\xc3\x28salt\x00" + mp(["app", T, REC]))
put("loglane-inputs", HS, "handshakeThenFrames", "right-ping-then-packed", b"!h\x00s\x00" + mp(["web.log", entries]))
put("loglane-inputs", HS, "handshakeThenFrames", "wrong-digest", mp(["PING", "host", "salt", "0" * 128, "", ""]))
put("loglane-inputs", HS, "handshakeThenFrames", "ping-of-five", mp(["PING", "host", "salt", "0" * 128, ""]))
put("loglane-inputs", HS, "handshakeThenFrames", "frame-before-ping", mp(["app", T, REC]))
put("loglane-inputs", HS, "handshakeThenFrames", "client-hello", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03")

JB = "io.loglane.inputs.http.JsonBodyDecoderFuzzTest"
put("loglane-inputs", JB, "decodesAnyBody", "ndjson", '{"message":"a","level":"info","time":"2026-12-05T10:00:00Z"}\n{"log":"b","n":2,"nested":{"x":[1,2.5,null,true]}}\n')
put("loglane-inputs", JB, "decodesAnyBody", "array", '[{"message":"a","ts":1733392800123},{"msg":"b","timestamp":1733392800.5}]')
put("loglane-inputs", JB, "decodesAnyBody", "bad-second-line", '{"message":"a"}\n{"message":\n')
put("loglane-inputs", JB, "decodesAnyBody", "not-an-object", '{"a":1}\n42\n')

CW = "io.loglane.inputs.cloudwatch.PutLogEventsFuzzTest"
put("loglane-inputs", CW, "readsAnyBody", "put-log-events", '{"logGroupName":"/ecs/web","logStreamName":"web/1","logEvents":[{"timestamp":1699999999000,"message":"GET / 200"},{"timestamp":1700000000000,"message":"second"}]}')
put("loglane-inputs", CW, "readsAnyBody", "too-old-and-new", '{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"old"},{"timestamp":1800000000000,"message":"new"}]}')
put("loglane-inputs", CW, "readsAnyBody", "missing-group", '{"logStreamName":"s","logEvents":[]}')

# --- OTLP: protobuf encoded by hand (field numbers from opentelemetry-proto logs/v1 and common/v1)
def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7f; n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n: return bytes(out)
def ld(field, payload): return varint(field << 3 | 2) + varint(len(payload)) + payload
def s(field, text): return ld(field, text.encode())
def kv(k, v): return ld(1, s(1, k) + ld(2, s(1, v)))  # KeyValue{key, AnyValue{string_value}}
record = struct.pack("<B", 1 << 3 | 1) + struct.pack("<Q", T * 10**9) + varint(2 << 3) + varint(9) + s(3, "INFO") \
    + ld(5, s(1, "user logged in")) + kv("http.status", "200") + ld(9, b"\x01" * 16) + ld(10, b"\x02" * 8)
resource = ld(1, kv("service.name", "checkout") + kv("k8s.pod.name", "checkout-1"))
request = ld(1, resource + ld(2, ld(1, s(1, "io.app")) + ld(2, record)))
OT = "io.loglane.inputs.otlp.OtlpBodiesFuzzTest"
put("loglane-inputs", OT, "decodesAnyBody", "protobuf", b"\x00" + request)
put("loglane-inputs", OT, "decodesAnyBody", "json", '{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},'
    '"scopeLogs":[{"scope":{"name":"io.app"},"logRecords":[{"timeUnixNano":"1733392800000000000","severityNumber":9,"severityText":"INFO",'
    '"body":{"stringValue":"user logged in"},"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",'
    '"attributes":[{"key":"http.status","value":{"intValue":"200"}}]}]}]}]}')
put("loglane-inputs", OT, "decodesAnyBody", "json-bad-trace-id", '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"xyz","body":{"stringValue":"a"}}]}]}]}')

CO = "io.loglane.inputs.container.ContainerLinesFuzzTest"
put("loglane-inputs", CO, "readsAnyLines", "docker", '\x00{"log":"hello\\n","stream":"stdout","time":"2026-12-05T10:00:00.123456789Z"}\n'
    '{"log":"part one ","stream":"stderr","time":"2026-12-05T10:00:01Z"}\n{"log":"and two\\n","stream":"stderr","time":"2026-12-05T10:00:01Z"}\n'
    'not json\n{"log":"' + "x" * 80 + '\\n","stream":"stdout","time":"bad"}\n')
put("loglane-inputs", CO, "readsAnyLines", "cri", "\x012026-12-05T10:00:00.123456789Z stdout F hello\n2026-12-05T10:00:01Z stderr P part one \n"
    "2026-12-05T10:00:01Z stderr F and two\n2026-12-05T10:00:02Z stdout X bad tag\ngarbage\n2026-12-05T10:00:03Z stdout F " + "y" * 80 + "\n")

# --- core: parsers (the first byte picks one: json, logfmt, nginx_combined, apache_combined, syslog,
# syslog_rfc3164, syslog_rfc5424, a regex, an nginx_format, nginx_combined then json with time_key)
PA = "io.loglane.core.parse.ParsersFuzzTest"
ACCESS = '203.0.113.9 - bob [05/Dec/2026:10:00:00 +0100] "GET /api/users?id=7 HTTP/1.1" 200 512 "https://ex.com/" "curl/8.5.0"'
for name, sel, line in [
    ("json", 0, '{"level":"error","msg":"boom","time":"2026-12-05T10:00:00Z","user":{"id":7}}'),
    ("logfmt", 1, 'level=info msg="user logged in" duration=12ms user=bob ts=2026-12-05T10:00:00Z'),
    ("nginx-combined", 2, ACCESS),
    ("apache-combined", 3, ACCESS.replace("bob", "-")),
    ("syslog", 4, "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8"),
    ("syslog-3164", 5, "<13>Dec  5 10:00:00 host app[123]: started"),
    ("syslog-5424", 6, '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An application event'),
    ("regex", 7, "ERROR 250ms payment failed"),
    ("nginx-format", 8, '10.0.0.1 [05/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 612 0.004 "Mozilla/5.0"'),
    ("chain", 9, ACCESS),
]:
    put("loglane-core", PA, "parsesAnyMessage", name, bytes([sel]) + line.encode())
put("loglane-core", PA, "buildsAnyPattern", "regex", "rr\0^(?<level>\\w+) (?<code>\\d+) (?<rest>.*)$\0WARN 404 not found")
put("loglane-core", PA, "buildsAnyPattern", "nginx-format", 'n\0$remote_addr - $remote_user [$time_local] "$request" $status\0' + ACCESS[:80])
put("loglane-core", PA, "buildsAnyPattern", "bad-regex", "rr\0^(?<a>[\0x")

TS = "io.loglane.core.parse.TimestampsFuzzTest"
for name, text in [("iso", "2026-12-05T10:00:00.123456Z"), ("iso-space", "2026-12-05 10:00:00"), ("clf", "25/Nov/2026:06:00:00 +0100"),
                   ("epoch-millis", "1733392800123"), ("epoch-float", "1733392800.5"),
                   ("strftime", "%Y-%m-%d %H:%M:%S\x002026-12-05 10:00:00"), ("pattern", "dd/MM/yyyy HH:mm\x0005/12/2026 10:00"),
                   ("syslog-no-year", "%b %e %H:%M:%S\x00Dec  5 10:00:00"), ("epoch-s", "%s\x001733392800"),
                   ("two-clf-days", "25/Nov/2026:06:00:00 +0100 26/Nov/2026:06:00:00 +0100")]:
    put("loglane-core", TS, "readsAnyTime", name, text)

ML = "io.loglane.core.multiline.MultilineJoinerFuzzTest"
put("loglane-core", ML, "joinsAnyLines", "java", "\x01before\nException in thread \"main\" java.lang.IllegalStateException: boom\n"
    "\tat com.ex.App.run(App.java:42)\n\tat com.ex.App.main(App.java:7)\nCaused by: java.io.IOException: disk\n\t... 2 more\nafter")
put("loglane-core", ML, "joinsAnyLines", "python", "\x02Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n    main()\nValueError: bad\nnext")
put("loglane-core", ML, "joinsAnyLines", "go", "\x04panic: runtime error: index out of range\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:5 +0x1d\nexit status 2")
put("loglane-core", ML, "joinsAnyLines", "all", "\x1fat first\nError: x\n    at f (/a.js:1:2)\nUnhandled exception. System.Exception: y\n   at P.Main() in /p.cs:line 3")

FP = "io.loglane.search.filter.FilterPatternFuzzTest"
for name, text in [
    ("terms", 'ERROR "disk full" -debug\nERROR disk full on /var\nERROR debug disk full'),
    ("or-terms", "?ERROR ?WARN\nWARN low memory\ninfo"),
    ("json", '{ ($.status >= 500 && $.path = "/api/*") || $.user.roles[0] NOT EXISTS }\n{"status":503,"path":"/api/x"}\n{"status":200}'),
    ("space", '[ip, user, ts, request = *GET*, status = 5*, bytes > 100]\n10.0.0.1 - [05/Dec/2026:10:00:00 +0000] "GET /a HTTP/1.1" 503 2048'),
    ("regex", "%ERR-[0-9]{3}%\nfailed ERR-404\nok"),
    ("bad", '{ $.a = }\n{"a":1}'),
]:
    put("loglane-search", FP, "compilesAndMatchesAnything", name, text)

QP = "io.loglane.query.QueryParsersFuzzTest"
for name, text in [("lucene-range", "\0status:[500 TO 599] AND path:/api*"), ("lucene-phrase", '\0"disk full" OR method:POST -tag:debug'),
                   ("lucene-wildcard", "\0bytes:>1000 AND remote_addr:10.0.* AND NOT message:health*"), ("lucene-bad", "\0status:[500 TO"),
                   ("filter-terms", '\x01ERROR -debug "out of memory"'), ("filter-json", '\x01{ $.status >= 500 && $.method = "GET" }'),
                   ("filter-space", "\x01[ip, id, user, ts, request, status = 404, bytes]"), ("filter-regex", "\x01%time(out|d out)%")]:
    put("loglane-query", QP, "parsesAnyQuery", name, text)

CF = "io.loglane.app.ConfigLoaderFuzzTest"
put("loglane-app", CF, "loadsAnyYaml", "minimal", "\0server:\n  http_port: 8080\ninputs:\n  - type: forward\n    port: 24224\n"
    "  - type: tail\n    paths: [/var/log/app/*.log]\n    tag: app\n    multiline: java\nlanes:\n  default:\n    durability: disk\n")
put("loglane-app", CF, "loadsAnyYaml", "layered", "\x01lanes:\n  access:\n    retention:\n      age: 30d\n    rate: 1000/s\n"
    "  mine:\n    match:\n      - field: {log_type: mine}\n    parser: [nginx_combined, {json: {time_key: time}}]\n")
put("loglane-app", CF, "loadsAnyYaml", "bad-duration", "\x01lanes:\n  access:\n    retention:\n      age: 3x\n")
put("loglane-app", CF, "loadsAnyYaml", "not-yaml", "\0inputs: [\n  - {type: http\n")
