"""A small writer for TFLite model metadata (tensorflow/tflite-support metadata_schema.fbs, identifier "M001").

Writes just what a BERT question answerer needs, the way the Task Library expects it:
  * a ModelMetadata flatbuffer (name, description, version, author, licence, min parser version,
    one subgraph with the ids/mask/segment_ids inputs, end_logits/start_logits outputs and a
    BertTokenizerOptions input process unit whose vocab_file is the associated file vocab.txt),
    stored in a model buffer referenced by the model's `metadata` entry named "TFLITE_METADATA";
  * the associated files as an uncompressed zip appended to the .tflite file.

Field slots follow the declaration order in metadata_schema.fbs (a union takes two slots: its type, then its value).
"""
import zipfile

import flatbuffers

# enum AssociatedFileType
VOCABULARY = 5
# union ContentProperties: NONE = 0, FeatureProperties = 1
CONTENT_FEATURE_PROPERTIES = 1
# union ProcessUnitOptions: NONE = 0, Normalization = 1, ScoreCalibration = 2, ScoreThresholding = 3, BertTokenizer = 4
PROCESS_UNIT_BERT_TOKENIZER = 4


def _string(builder, text):
    return builder.CreateString(text) if text is not None else None


def _vector_of_tables(builder, offsets):
    builder.StartVector(4, len(offsets), 4)
    for offset in reversed(offsets):
        builder.PrependUOffsetTRelative(offset)
    return builder.EndVector()


def _table(builder, fields):
    """fields: list of (slot, kind, value) with kind 'offset' or 'int8'/'uint8'; None values are skipped."""
    fields = [f for f in fields if f[2] is not None]
    builder.StartObject(max(slot for slot, _, _ in fields) + 1)
    for slot, kind, value in fields:
        if kind == "offset":
            builder.PrependUOffsetTRelativeSlot(slot, value, 0)
        elif kind == "int8":
            builder.PrependInt8Slot(slot, value, 0)
        elif kind == "uint8":
            builder.PrependUint8Slot(slot, value, 0)
        else:
            raise ValueError(kind)
    return builder.EndObject()


def _associated_file(builder, name, description, file_type):
    name_off, desc_off = _string(builder, name), _string(builder, description)
    # table AssociatedFile { name; description; type:AssociatedFileType(byte); locale; version; }
    return _table(builder, [(0, "offset", name_off), (1, "offset", desc_off), (2, "int8", file_type)])


def _feature_content(builder):
    builder.StartObject(0)  # table FeatureProperties {}
    feature = builder.EndObject()
    # table Content { content_properties_type; content_properties; range; }
    return _table(builder, [(0, "uint8", CONTENT_FEATURE_PROPERTIES), (1, "offset", feature)])


def _tensor(builder, name, description):
    name_off, desc_off = _string(builder, name), _string(builder, description)
    content = _feature_content(builder)
    # table TensorMetadata { name; description; dimension_names; content; process_units; stats; associated_files; }
    return _table(builder, [(0, "offset", name_off), (1, "offset", desc_off), (3, "offset", content)])


def bert_qa_metadata(name, description, version, author, license_text, inputs, outputs,
                     vocab_name="vocab.txt", min_parser_version="1.1.0"):
    """Serialised ModelMetadata. inputs/outputs: lists of (tensor name, description) in model order."""
    builder = flatbuffers.Builder(1024)
    input_offsets = [_tensor(builder, n, d) for n, d in inputs]
    output_offsets = [_tensor(builder, n, d) for n, d in outputs]
    vocab = _associated_file(builder, vocab_name, "Vocabulary file for the BertTokenizer.", VOCABULARY)
    vocab_vector = _vector_of_tables(builder, [vocab])
    tokenizer = _table(builder, [(0, "offset", vocab_vector)])  # table BertTokenizerOptions { vocab_file; }
    # table ProcessUnit { options_type; options; }
    process_unit = _table(builder, [(0, "uint8", PROCESS_UNIT_BERT_TOKENIZER), (1, "offset", tokenizer)])
    inputs_vec = _vector_of_tables(builder, input_offsets)
    outputs_vec = _vector_of_tables(builder, output_offsets)
    units_vec = _vector_of_tables(builder, [process_unit])
    # table SubGraphMetadata { name; description; input_tensor_metadata; output_tensor_metadata;
    #                          associated_files; input_process_units; ... }
    subgraph = _table(builder, [(2, "offset", inputs_vec), (3, "offset", outputs_vec), (5, "offset", units_vec)])
    subgraphs_vec = _vector_of_tables(builder, [subgraph])
    strings = [_string(builder, s) for s in (name, description, version, author, license_text, min_parser_version)]
    name_off, desc_off, version_off, author_off, license_off, parser_off = strings
    # table ModelMetadata { name; description; version; subgraph_metadata; author; license;
    #                       associated_files; min_parser_version; }
    root = _table(builder, [
        (0, "offset", name_off), (1, "offset", desc_off), (2, "offset", version_off),
        (3, "offset", subgraphs_vec), (4, "offset", author_off), (5, "offset", license_off),
        (7, "offset", parser_off),
    ])
    builder.Finish(root, file_identifier=b"M001")
    return bytes(builder.Output())


def append_associated_files(model_path, files):
    """Appends {name: bytes} as an uncompressed zip at the end of the model file (Task Library layout)."""
    with zipfile.ZipFile(model_path, "a", compression=zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
