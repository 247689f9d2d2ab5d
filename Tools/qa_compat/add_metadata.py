"""Adds the Task Library's BertQuestionAnswerer metadata to a QA model (run with tflite-support's Python).

    /tmp/tfls-venv/bin/python Tools/qa_compat/add_metadata.py IN.tflite VOCAB.txt OUT.tflite

Writes the metadata flatbuffer tflite-support's own writers produce: input
tensor metadata named ids, mask, segment_ids (in the model's input order), one
input process unit (BertTokenizerOptions) that names the vocabulary, output
tensor metadata named end_logits, start_logits, and the vocabulary appended to
the file as a zip ("associated file", dated 1980-01-01 so that reruns give the same bytes). Needs `pip install tflite-support==0.4.4`
in its own virtual environment (it pins numpy and protobuf versions).
"""
import sys
import time

from tensorflow_lite_support.metadata.python.metadata_writers import metadata_info, metadata_writer


def with_metadata(model_bytes, vocab_path):
    buffer = bytearray(model_bytes)
    inputs = metadata_info.BertInputTensorsMd(buffer, "ids", "mask", "segment_ids",
                                              tokenizer_md=metadata_info.BertTokenizerMd(vocab_path))
    outputs = [metadata_info.TensorMd(name=name, tensor_name=name) for name in ("end_logits", "start_logits")]
    writer = metadata_writer.MetadataWriter.create_from_metadata(
        buffer,
        model_metadata=metadata_info.GeneralMd(
            name="Glean QA test fixture",
            description="Random-weight BERT-style extractive QA model for parity tests; answers mean nothing.").create_metadata(),
        input_metadata=inputs.create_input_tesnor_metadata(),
        output_metadata=[m.create_metadata() for m in outputs],
        associated_files=inputs.get_tokenizer_associated_files(),
        input_process_units=inputs.create_input_process_unit_metadata())
    # The writer zips the vocabulary with the current time as its date; pin it to 1980-01-01 (the
    # earliest zip date) so that the bytes are reproducible.
    real_localtime = time.localtime
    time.localtime = lambda *_: time.struct_time((1980, 1, 1, 0, 0, 0, 1, 1, 0))
    try:
        return writer.populate()
    finally:
        time.localtime = real_localtime


if __name__ == "__main__":
    source, vocab, destination = sys.argv[1:4]
    with open(source, "rb") as handle:
        result = with_metadata(handle.read(), vocab)
    with open(destination, "wb") as handle:
        handle.write(result)
