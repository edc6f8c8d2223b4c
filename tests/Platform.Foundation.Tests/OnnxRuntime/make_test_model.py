#!/usr/bin/python3
"""Writes tiny_linear.onnx, the fixture for OnnxRuntimeTests.cs: Y = Relu(X @ W + B).

Run with Debian's interpreter (apt-get install python3-onnx python3-numpy):
    /usr/bin/python3 make_test_model.py
The weights are repeated in OnnxRuntimeTests.cs, which computes the expected outputs itself;
change both together. Weights mix signs so that Relu clips some outputs and the test would notice
a runtime that skipped it.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper

# X: [batch, 3] -> Y: [batch, 2]
W = np.array(
    [
        [0.5, -1.0],
        [1.5, 0.25],
        [-2.0, 0.75],
    ],
    dtype=np.float32,
)
B = np.array([0.1, -0.2], dtype=np.float32)


def build() -> onnx.ModelProto:
    graph = helper.make_graph(
        nodes=[
            helper.make_node("MatMul", ["X", "W"], ["XW"], name="matmul"),
            helper.make_node("Add", ["XW", "B"], ["XWB"], name="add_bias"),
            helper.make_node("Relu", ["XWB"], ["Y"], name="relu"),
        ],
        name="tiny_linear",
        # A symbolic first dimension, so callers may send any batch size.
        inputs=[helper.make_tensor_value_info("X", TensorProto.FLOAT, ["batch", 3])],
        outputs=[helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["batch", 2])],
        initializer=[
            helper.make_tensor("W", TensorProto.FLOAT, W.shape, W.flatten().tolist()),
            helper.make_tensor("B", TensorProto.FLOAT, B.shape, B.tolist()),
        ],
    )
    model = helper.make_model(
        graph,
        producer_name="platform-tests",
        opset_imports=[helper.make_opsetid("", 13)],
    )
    # Older runtimes refuse newer IR versions; 7 is what opset 13 shipped with.
    model.ir_version = 7
    onnx.checker.check_model(model, full_check=True)
    return model


if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny_linear.onnx")
    onnx.save(build(), out)
    print(f"wrote {out} ({os.path.getsize(out)} bytes)")
