"""8-bit weights for an exported ONNX transformer, float32 arithmetic (needs the ``onnx`` package).

The linear layers become onnxruntime's ``MatMulNBits`` (8 bits, symmetric, blocks
of 32) and large embedding tables int8 rows with one scale each behind a
``DequantizeLinear``. Dynamic int8 quantization (``quantize_dynamic``) is not
used: it scales activations per batch, so a sentence's result would depend on
its neighbours in the batch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def quantize_weights(fp32: Path, int8: Path) -> None:
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer

    config = DefaultWeightOnlyQuantConfig(block_size=32, is_symmetric=True, bits=8)
    quantizer = MatMulNBitsQuantizer(onnx.load(str(fp32)), algo_config=config)
    quantizer.process()
    model = quantizer.model.model
    quantize_embedding_tables(model)
    onnx.save(model, str(int8))


def quantize_embedding_tables(model, min_size: int = 1_000_000) -> None:
    """Large Gather tables (the word embeddings) as int8 rows with one scale each."""
    from onnx import helper, numpy_helper

    initializers = {item.name: item for item in model.graph.initializer}
    for node in list(model.graph.node):
        if node.op_type != "Gather" or node.input[0] not in initializers:
            continue
        name = node.input[0]
        table = numpy_helper.to_array(initializers[name])
        if table.size < min_size:
            continue
        scale = (np.maximum(np.abs(table).max(axis=1), 1e-12) / 127.0).astype(np.float32)
        codes = np.clip(np.round(table / scale[:, None]), -127, 127).astype(np.int8)
        model.graph.initializer.remove(initializers[name])
        model.graph.initializer.extend([numpy_helper.from_array(codes, f"{name}_int8"),
                                        numpy_helper.from_array(scale, f"{name}_scale")])
        model.graph.node.insert(0, helper.make_node("DequantizeLinear", [f"{name}_int8", f"{name}_scale"], [name],
                                                    axis=0, name=f"{name}_dequantize"))
