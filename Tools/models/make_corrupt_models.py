#!/usr/bin/env python3
"""Writes Models/test/corrupt/: a tiny valid TFLite model and corrupted variants of it.

The valid model (`valid_base.tflite`) is built with the `flatbuffers` package through
TensorFlow's generated schema module (tensorflow.lite.python.schema_py_generated); its
TFLite metadata (identifier M001, tensorflow_lite_support/metadata/metadata_schema.fbs) is
built field by field with flatbuffers.Builder, and its associated files are appended as a
stored zip with Python's zipfile, as the TFLite metadata writer does.

Each corrupted file breaks one thing. `manifest.json` lists every file with the
`ModelFormatError` case the reader must throw (or "valid"), why, and the verdict of the
reference runtime (LiteRT's Interpreter, which verifies the flatbuffer and the graph when it
loads a model; it ignores metadata and the zip). The Swift tests
(Tests/TFLiteFormatTests/CorruptModelTests.swift) read the manifest.

Usage: python3 Tools/models/make_corrupt_models.py [output-dir]
Deterministic: running it twice writes identical files.

For timing the reader on a large model (not committed):
  python3 Tools/models/make_corrupt_models.py --large-model /tmp/large.tflite [layers] [width]
writes a chain of `layers` FULLY_CONNECTED ops with float32 [width, width] weights.
"""
import io
import json
import os
import struct
import subprocess
import sys
import zipfile

import flatbuffers
from tensorflow.lite.python import schema_py_generated as tfl

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "..", "Models", "test", "corrupt")

VOCAB = b"[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nworld\n"
LABELS = b"negative\npositive\n"
FIXED_DATE = (2020, 1, 1, 0, 0, 0)  # zip timestamps, for reproducible bytes


# MARK: - Metadata flatbuffer (metadata_schema.fbs), built by hand

def _string(b, s):
    return b.CreateString(s) if s is not None else None


def _table(b, fields):
    """fields: list of (slot, kind, value); kind in 'offset', 'int8', 'uint8', 'float'."""
    b.StartObject(max(slot for slot, _, _ in fields) + 1 if fields else 0)
    for slot, kind, value in fields:
        if value is None:
            continue
        if kind == "offset":
            b.PrependUOffsetTRelativeSlot(slot, value, 0)
        elif kind == "int8":
            b.PrependInt8Slot(slot, value, -128)  # default never equals: always written
        elif kind == "uint8":
            b.PrependUint8Slot(slot, value, 255)
        elif kind == "float":
            b.PrependFloat32Slot(slot, value, -1.0)
    return b.EndObject()


def _offsets(b, offsets):
    b.StartVector(4, len(offsets), 4)
    for o in reversed(offsets):
        b.PrependUOffsetTRelative(o)
    return b.EndVector()


def _floats(b, values):
    b.StartVector(4, len(values), 4)
    for v in reversed(values):
        b.PrependFloat32(v)
    return b.EndVector()


def _associated_file(b, name, description, file_type):
    n, d = _string(b, name), _string(b, description)
    return _table(b, [(0, "offset", n), (1, "offset", d), (2, "int8", file_type)])


def build_metadata(identifier=b"M001"):
    b = flatbuffers.Builder(1024)
    # Subgraph-level input process unit: BertTokenizerOptions (union tag 4) with vocab.txt (VOCABULARY = 5).
    vocab = _associated_file(b, "vocab.txt", "WordPiece vocabulary.", 5)
    bert = _table(b, [(0, "offset", _offsets(b, [vocab]))])
    bert_unit = _table(b, [(0, "uint8", 4), (1, "offset", bert)])
    # Input tensor: FeatureProperties content (tag 1), NormalizationOptions (tag 1) mean 0.5, std 2.
    feature = _table(b, [])
    content = _table(b, [(0, "uint8", 1), (1, "offset", feature)])
    normalization = _table(b, [(0, "offset", _floats(b, [0.5])), (1, "offset", _floats(b, [2.0]))])
    norm_unit = _table(b, [(0, "uint8", 1), (1, "offset", normalization)])
    in_name, in_desc = _string(b, "features"), _string(b, "Four input features.")
    input_tensor = _table(b, [(0, "offset", in_name), (1, "offset", in_desc), (3, "offset", content),
                              (4, "offset", _offsets(b, [norm_unit]))])
    # Output tensor: labels.txt (TENSOR_AXIS_LABELS = 2), stats min 0 / max 1.
    labels = _associated_file(b, "labels.txt", "Class names.", 2)
    stats = _table(b, [(0, "offset", _floats(b, [1.0])), (1, "offset", _floats(b, [0.0]))])
    out_name, out_desc = _string(b, "probability"), _string(b, "Class probabilities.")
    out_content = _table(b, [(0, "uint8", 1), (1, "offset", _table(b, []))])
    output_tensor = _table(b, [(0, "offset", out_name), (1, "offset", out_desc), (3, "offset", out_content),
                               (5, "offset", stats), (6, "offset", _offsets(b, [labels]))])
    sg_name = _string(b, "main")
    subgraph = _table(b, [(0, "offset", sg_name), (2, "offset", _offsets(b, [input_tensor])),
                          (3, "offset", _offsets(b, [output_tensor])), (5, "offset", _offsets(b, [bert_unit]))])
    fields = {k: _string(b, v) for k, v in [
        ("name", "Glean test classifier"), ("description", "A tiny model for reader tests."),
        ("version", "v1"), ("author", "Glean"), ("license", "Apache-2.0"), ("min_parser_version", "1.1.0")]}
    root = _table(b, [(0, "offset", fields["name"]), (1, "offset", fields["description"]),
                      (2, "offset", fields["version"]), (3, "offset", _offsets(b, [subgraph])),
                      (4, "offset", fields["author"]), (5, "offset", fields["license"]),
                      (7, "offset", fields["min_parser_version"])])
    b.Finish(root, file_identifier=identifier)
    return bytes(b.Output())


# MARK: - The model (schema.fbs v3) through the generated object API

def tensor(name, shape, ttype=tfl.TensorType.FLOAT32, buffer=0, quantization=None):
    t = tfl.TensorT()
    t.name, t.shape, t.type, t.buffer, t.quantization = name, shape, ttype, buffer, quantization
    return t


def floats_bytes(values):
    return list(struct.pack("<%df" % len(values), *values))


def build_model_object(metadata_identifier=b"M001"):
    m = tfl.ModelT()
    m.version = 3
    m.description = "Glean corrupt-model seed"

    def buffer(data=None, offset=0, size=0):
        b = tfl.BufferT()
        b.data, b.offset, b.size = data, offset, size
        return b

    m.buffers = [
        buffer(),                                                           # 0: empty sentinel
        buffer(floats_bytes([0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4])),  # 1: weights [2, 4]
        buffer(floats_bytes([0.5, -0.5])),                                   # 2: bias [2]
        buffer([1, 2, 3, 4, 0xFF, 0xFE, 0xFD, 0xFC]),                        # 3: int8 per-channel weights [2, 4]
        buffer(list(b"1.14.0\0")),                                          # 4: min_runtime_version
        buffer(list(build_metadata(metadata_identifier))),                  # 5: TFLITE_METADATA
    ]
    per_channel = tfl.QuantizationParametersT()
    per_channel.scale, per_channel.zeroPoint, per_channel.quantizedDimension = [0.5, 0.25], [0, 0], 0
    sg = tfl.SubGraphT()
    sg.name = "main"
    sg.tensors = [
        tensor("features", [1, 4]),
        tensor("weights", [2, 4], buffer=1),
        tensor("bias", [2], buffer=2),
        tensor("logits", [1, 2]),
        tensor("probability", [1, 2]),
        tensor("quantized_weights", [2, 4], tfl.TensorType.INT8, buffer=3, quantization=per_channel),
        tensor("gelu", [1, 2]),
    ]
    sg.inputs, sg.outputs = [0], [6]

    def opcode(code, version=1):
        c = tfl.OperatorCodeT()
        # Codes >= 127 keep deprecated_builtin_code at 127 (PLACEHOLDER_FOR_GREATER_OP_CODES), as the converter does.
        c.deprecatedBuiltinCode, c.builtinCode, c.version = min(code, 127), code, version
        return c

    m.operatorCodes = [opcode(tfl.BuiltinOperator.FULLY_CONNECTED, 4), opcode(tfl.BuiltinOperator.SOFTMAX),
                       opcode(tfl.BuiltinOperator.GELU, 2)]

    def op(index, inputs, outputs, options_type, options):
        o = tfl.OperatorT()
        o.opcodeIndex, o.inputs, o.outputs = index, inputs, outputs
        o.builtinOptionsType, o.builtinOptions = options_type, options
        return o

    fc = tfl.FullyConnectedOptionsT()
    fc.fusedActivationFunction, fc.keepNumDims = tfl.ActivationFunctionType.RELU, True
    softmax = tfl.SoftmaxOptionsT()
    softmax.beta = 1.0
    gelu = tfl.GeluOptionsT()
    gelu.approximate = True
    sg.operators = [
        op(0, [0, 1, 2], [3], tfl.BuiltinOptions.FullyConnectedOptions, fc),
        op(1, [3], [4], tfl.BuiltinOptions.SoftmaxOptions, softmax),
        op(2, [4], [6], tfl.BuiltinOptions.GeluOptions, gelu),
    ]
    m.subgraphs = [sg]

    def metadata(name, index):
        e = tfl.MetadataT()
        e.name, e.buffer = name, index
        return e

    m.metadata = [metadata("min_runtime_version", 4), metadata("TFLITE_METADATA", 5)]

    def tensor_map(name, index):
        t = tfl.TensorMapT()
        t.name, t.tensorIndex = name, index
        return t

    sig = tfl.SignatureDefT()
    sig.signatureKey, sig.subgraphIndex = "serving_default", 0
    sig.inputs, sig.outputs = [tensor_map("features", 0)], [tensor_map("probability", 6)]
    m.signatureDefs = [sig]
    return m


def pack(model):
    b = flatbuffers.Builder(4096)
    b.Finish(model.Pack(b), file_identifier=b"TFL3")
    return bytearray(b.Output())


def append_zip(data, compression=zipfile.ZIP_STORED):
    """Appends the associated files as a zip whose offsets are absolute (like zipfile's append mode)."""
    stream = io.BytesIO(bytes(data))
    stream.seek(0, io.SEEK_END)
    with zipfile.ZipFile(stream, "a", compression=compression) as z:
        for name, contents in [("vocab.txt", VOCAB), ("labels.txt", LABELS)]:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = compression
            z.writestr(info, contents)
    return bytearray(stream.getvalue())


def build_external_buffer():
    """The seed with the bias stored outside the flatbuffer, as converters do for models over 2 GB:
    Buffer.offset/size (relative to the file start) point past the flatbuffer, 16-byte aligned."""
    def packed(offset):
        model = build_model_object()
        model.buffers[2].data, model.buffers[2].offset, model.buffers[2].size = None, offset, 8
        return pack(model)
    flat = packed(2)  # any offset > 1 writes the same fields, so the size is final
    position = (len(flat) + 15) // 16 * 16
    flat = packed(position)
    assert (len(flat) + 15) // 16 * 16 == position
    data = flat + bytes(position - len(flat)) + bytes(floats_bytes([0.5, -0.5]))
    return append_zip(data)


def build_concatenated_zip():
    """The seed followed by a separately made zip (`cat model.tflite files.zip`): the zip's
    offsets are relative to its own start, not to the file's."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_STORED) as z:
        for name, contents in [("vocab.txt", VOCAB), ("labels.txt", LABELS)]:
            z.writestr(zipfile.ZipInfo(name, date_time=FIXED_DATE), contents)
    return pack(build_model_object()) + stream.getvalue()


def build(mutate=None, compression=zipfile.ZIP_STORED, metadata_identifier=b"M001"):
    model = build_model_object(metadata_identifier)
    if mutate:
        mutate(model)
    return append_zip(pack(model), compression)


# MARK: - Finding positions in a packed model (for byte-level corruptions)

def root_model(data):
    return tfl.Model.GetRootAs(bytes(data), 0)


def field_position(table, slot):
    """Absolute position of field `slot` of a generated-API table object."""
    offset = table._tab.Offset(4 + 2 * slot)
    assert offset, "field %d absent" % slot
    return table._tab.Pos + offset


def vector_start(table, slot):
    return table._tab.Vector(table._tab.Offset(4 + 2 * slot))


def put32(data, position, value, fmt="<I"):
    data[position:position + 4] = struct.pack(fmt, value)


def central_directory(data):
    end = data.rfind(b"PK\x05\x06")
    count, size, offset = struct.unpack("<HII", data[end + 10:end + 20])
    entries, position = [], offset
    for _ in range(count):
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[position + 28:position + 34])
        name = bytes(data[position + 46:position + 46 + name_len]).decode()
        entries.append((name, position))
        position += 46 + name_len + extra_len + comment_len
    return entries


# MARK: - The corruptions

def corruptions():
    base = build()
    cases = {}

    def case(name, expected, why, data):
        cases[name] = (expected, why, bytes(data))

    case("valid_base", "valid", "the seed: a tiny valid model with metadata and a stored zip", base)
    case("valid_deflated_zip", "valid", "associated files deflated (zip method 8)", build(compression=zipfile.ZIP_DEFLATED))
    case("valid_concatenated_zip", "valid", "a zip made apart and appended: offsets relative to the zip's start",
         build_concatenated_zip())
    case("valid_external_buffer", "valid", "the bias lies outside the flatbuffer (Buffer.offset/size, as in >2 GB models)",
         build_external_buffer())

    case("truncated_header", "truncated", "6 bytes: shorter than the root offset and identifier", base[:6])
    case("truncated_half", "outOfBounds", "cut in half: offsets point past the end", base[:len(base) // 2])
    d = bytearray(base); d[4:8] = b"TFL2"
    case("wrong_identifier", "wrongIdentifier", "file identifier TFL2 instead of TFL3", d)

    d = bytearray(base); put32(d, 0, len(d) + 100)
    case("root_offset_past_end", "outOfBounds", "root offset points past the end of the file", d)
    d = bytearray(base); put32(d, 0, struct.unpack("<I", d[0:4])[0] + 2)
    case("root_offset_misaligned", "misaligned", "root offset moved by 2 bytes: the table is not 4-byte aligned", d)

    case("schema_version_2", "unsupportedSchemaVersion", "Model.version is 2",
         build(lambda m: setattr(m, "version", 2)))

    d = bytearray(base); root = struct.unpack("<I", d[0:4])[0]
    put32(d, root, -(len(d) + 64), "<i")
    case("vtable_past_end", "outOfBounds", "the root table's soffset puts its vtable past the end", d)

    d = bytearray(base); model = root_model(d)
    first_subgraph_slot = vector_start(model, 2)  # subgraphs[0]'s uoffset
    put32(d, first_subgraph_slot, 0)
    case("table_points_into_itself", "malformedTable",
         "subgraphs[0]'s offset is 0: the table is read at its own offset slot, whose vtable is itself", d)

    d = bytearray(base); model = root_model(d)
    shape_start = vector_start(model.Subgraphs(0).Tensors(1), 0)
    put32(d, shape_start - 4, 0x3FFFFFFF)
    case("huge_vector_length", "outOfBounds", "tensors[1].shape claims 2^30 elements", d)

    d = bytearray(base); model = root_model(d)
    name_start = vector_start(model.Subgraphs(0).Tensors(0), 3)
    name_length = struct.unpack("<I", d[name_start - 4:name_start])[0]
    d[name_start + name_length] = ord("X")
    case("string_without_nul", "invalidString", "tensors[0].name has no NUL terminator", d)

    case("buffer_smaller_than_shape", "bufferTooSmall", "weights [2, 4] float32 need 32 bytes, the buffer holds 20",
         build(lambda m: setattr(m.buffers[1], "data", floats_bytes([1, 2, 3, 4, 5]))))
    case("unsupported_tensor_type", "unsupportedTensorType", "tensors[3].type is 99",
         build(lambda m: setattr(m.subgraphs[0].tensors[3], "type", 99)))
    case("negative_dimension", "invalidValue", "tensors[0].shape is [-1, 4]",
         build(lambda m: setattr(m.subgraphs[0].tensors[0], "shape", [-1, 4])))
    case("operator_input_out_of_range", "invalidReference", "operators[0] reads tensor 42 of 7",
         build(lambda m: setattr(m.subgraphs[0].operators[0], "inputs", [0, 42, 2])))
    case("opcode_index_out_of_range", "invalidReference", "operators[1].opcode_index is 9 of 3 codes",
         build(lambda m: setattr(m.subgraphs[0].operators[1], "opcodeIndex", 9)))
    case("subgraph_output_out_of_range", "invalidReference", "subgraph outputs [7] with 7 tensors",
         build(lambda m: setattr(m.subgraphs[0], "outputs", [7])))
    case("tensor_buffer_out_of_range", "invalidReference", "tensors[1].buffer is 60 of 6 buffers",
         build(lambda m: setattr(m.subgraphs[0].tensors[1], "buffer", 60)))
    case("unknown_builtin_code", "unsupportedOperator", "operator_codes[1].builtin_code is 4000",
         build(lambda m: setattr(m.operatorCodes[1], "builtinCode", 4000)))
    case("unknown_options_type", "invalidValue", "operators[1].builtin_options_type is 250",
         build(lambda m: setattr(m.subgraphs[0].operators[1], "builtinOptionsType", 250)))

    def per_channel_mismatch(m):
        m.subgraphs[0].tensors[5].quantization.scale = [0.5, 0.25, 0.125]
        m.subgraphs[0].tensors[5].quantization.zeroPoint = [0, 0, 0]
    case("per_channel_scale_count_mismatch", "invalidValue", "3 scales for a quantized dimension of size 2",
         build(per_channel_mismatch))

    def external_buffer(m):
        m.buffers[2].data, m.buffers[2].offset, m.buffers[2].size = None, 1 << 40, 8
    case("external_buffer_past_end", "outOfBounds", "buffers[2] uses offset/size far past the end of the file",
         build(external_buffer))

    case("metadata_wrong_identifier", "wrongIdentifier", "TFLITE_METADATA has identifier M999",
         build(metadata_identifier=b"M999"))

    # Shared tables: 4096 tensor offsets to one tensor whose shape has 4096 dimensions.
    # Tiny on disk, but decoding it naively would produce 16 million dimensions.
    case("shared_tables_blowup", "tooComplex", "4096 tensors share one table with a 4096-entry shape",
         shared_tables_blowup())

    entries = dict(central_directory(base))
    d = bytearray(base); put32(d, entries["vocab.txt"] + 20, 0x7FFFFF00); put32(d, entries["vocab.txt"] + 24, 0x7FFFFF00)
    case("zip_size_past_end", "invalidZip", "the zip directory says vocab.txt holds 2 GB", d)
    d = bytearray(base); put32(d, entries["labels.txt"] + 42, 0x7FFF0000)
    case("zip_local_header_past_end", "invalidZip", "labels.txt's local header offset points past the end", d)
    d = bytearray(base); position = bytes(d).rfind(LABELS); d[position] ^= 0x20
    case("zip_crc_mismatch", "invalidZip", "one byte of labels.txt changed: CRC-32 no longer matches", d)
    d = bytearray(base); end = bytes(d).rfind(b"PK\x05\x06"); put32(d, end + 16, len(d))
    case("zip_directory_offset_past_end", "invalidZip", "the end record's directory offset lies past the directory", d)
    d = bytearray(base); put32(d, entries["labels.txt"] + 42, struct.unpack("<I", d[entries["vocab.txt"] + 42:entries["vocab.txt"] + 46])[0])
    d[entries["labels.txt"] + 16:entries["labels.txt"] + 28] = d[entries["vocab.txt"] + 16:entries["vocab.txt"] + 28]
    case("zip_entries_overlap", "invalidZip", "labels.txt's directory entry points at vocab.txt's record (shared bytes)", d)

    deflated = build(compression=zipfile.ZIP_DEFLATED)
    entries = dict(central_directory(deflated))
    d = bytearray(deflated); put32(d, entries["vocab.txt"] + 24, len(VOCAB) + 10)
    case("zip_deflate_size_lie", "invalidZip", "deflated vocab.txt claims 10 more bytes than it inflates to", d)
    d = bytearray(deflated); put32(d, entries["labels.txt"] + 24, 0x7FFF0000)
    case("zip_deflate_bomb", "invalidZip", "deflated labels.txt claims to inflate to 2 GB (over the reader's limit)", d)
    return cases


def shared_tables_blowup():
    b = flatbuffers.Builder(1 << 16)
    tfl.TensorStartShapeVector(b, 4096)
    for _ in range(4096):
        b.PrependInt32(1)
    shape = b.EndVector()
    name = b.CreateString("shared")
    tfl.TensorStart(b)
    tfl.TensorAddShape(b, shape)
    tfl.TensorAddName(b, name)
    shared = tfl.TensorEnd(b)
    tfl.SubGraphStartTensorsVector(b, 4096)
    for _ in range(4096):
        b.PrependUOffsetTRelative(shared)
    tensors = b.EndVector()
    tfl.SubGraphStart(b)
    tfl.SubGraphAddTensors(b, tensors)
    subgraph = tfl.SubGraphEnd(b)
    subgraphs = _offsets(b, [subgraph])
    tfl.ModelStart(b)
    tfl.ModelAddVersion(b, 3)
    tfl.ModelAddSubgraphs(b, subgraphs)
    b.Finish(tfl.ModelEnd(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def large_model(path, layers, width):
    import numpy as np
    rng = np.random.default_rng(0)
    m = tfl.ModelT()
    m.version, m.description = 3, "Glean reader benchmark"
    empty = tfl.BufferT()
    m.buffers = [empty]
    sg = tfl.SubGraphT()
    sg.tensors, sg.operators = [tensor("x0", [1, width])], []
    code = tfl.OperatorCodeT()
    code.deprecatedBuiltinCode, code.builtinCode, code.version = 9, 9, 1
    m.operatorCodes = [code]
    for layer in range(layers):
        weights = tfl.BufferT()
        weights.data = rng.standard_normal(width * width, dtype=np.float32).view(np.uint8)
        m.buffers.append(weights)
        sg.tensors.append(tensor("w%d" % layer, [width, width], buffer=len(m.buffers) - 1))
        sg.tensors.append(tensor("x%d" % (layer + 1), [1, width]))
        op = tfl.OperatorT()
        op.opcodeIndex, op.inputs, op.outputs = 0, [len(sg.tensors) - 3 if layer else 0, len(sg.tensors) - 2, -1], [len(sg.tensors) - 1]
        op.builtinOptionsType, op.builtinOptions = tfl.BuiltinOptions.FullyConnectedOptions, tfl.FullyConnectedOptionsT()
        sg.operators.append(op)
    sg.inputs, sg.outputs = [0], [len(sg.tensors) - 1]
    m.subgraphs = [sg]
    b = flatbuffers.Builder(layers * width * width * 4 + (1 << 20))
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    with open(path, "wb") as f:
        f.write(b.Output())
    print("wrote %s: %d layers of [%d, %d], %d bytes" % (path, layers, width, width, len(b.Output())))


LITERT_PROBE = """
import sys
from ai_edge_litert.interpreter import Interpreter
try:
    interpreter = Interpreter(model_path=sys.argv[1])
    interpreter.allocate_tensors()
    print("loads")
except Exception as error:
    print("rejects: " + (str(error).strip().splitlines() or [""])[0][:160])
"""


def litert_verdict(path):
    """How LiteRT's interpreter takes the file, in a child process so that a crash is a verdict too."""
    try:
        result = subprocess.run([sys.executable, "-c", LITERT_PROBE, path], capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return "hangs"
    lines = result.stdout.strip().splitlines()
    return lines[-1] if lines and result.returncode == 0 else "crashes (exit %d)" % result.returncode


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--large-model":
        layers = int(sys.argv[3]) if len(sys.argv) > 3 else 300
        width = int(sys.argv[4]) if len(sys.argv) > 4 else 512
        return large_model(sys.argv[2], layers, width)
    os.makedirs(OUT, exist_ok=True)
    manifest = []
    for name, (expected, why, data) in sorted(corruptions().items()):
        with open(os.path.join(OUT, name + ".tflite"), "wb") as f:
            f.write(data)
        manifest.append({"file": name + ".tflite", "expected": expected, "why": why, "bytes": len(data),
                         "litert": litert_verdict(os.path.join(OUT, name + ".tflite"))})
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print("wrote %d files (%d bytes) to %s" % (len(manifest), sum(e["bytes"] for e in manifest), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
