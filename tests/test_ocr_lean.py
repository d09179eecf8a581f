"""The lean copies of the OCR models compute what the originals do, in fewer operations, and any
failure to make them leaves the original in use."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("rapidocr_onnxruntime")
onnx = pytest.importorskip("onnx")


def _model(part: str) -> Path:
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
    from rapidocr_onnxruntime.utils import read_yaml, update_model_path

    return Path(update_model_path(read_yaml(DEFAULT_CFG_PATH))[part]["model_path"])


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path / "cache"))


def _operations(model: bytes) -> Counter[str]:
    return Counter(node.op_type for node in onnx.load_model_from_string(model).graph.node)


def test_recogniser_rewritten_reads_a_line_as_before() -> None:
    import numpy as np
    import onnxruntime as ort

    from compliance.readers.ocr.lean import rewrite

    original = _model("Rec").read_bytes()
    lean = rewrite(original)
    assert lean is not None
    before, after = _operations(original), _operations(lean)
    # Every hard-swish written out as four operations is one HardSigmoid and one product now,
    # and the scalar scales and shifts around the convolutions are gone into their weights.
    assert before["Clip"] > 0 and after["Clip"] == 0 and after["HardSigmoid"] >= before["Clip"]
    assert after["Conv"] == before["Conv"]
    computing = sum(count for op, count in before.items() if op != "Constant")
    assert sum(after.values()) < 0.7 * computing

    # A line of text drawn in black on white, as the recogniser sees a crop: same scores.
    line = np.full((1, 3, 48, 320), 1.0, dtype=np.float32)
    line[:, :, 12:36, 20:300:9] = -1.0
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    scores = [
        ort.InferenceSession(model, options, providers=["CPUExecutionProvider"]).run(None, {"x": line})[0]
        for model in (original, lean)
    ]
    assert np.abs(scores[0] - scores[1]).max() < 1e-4
    assert (scores[0].argmax(axis=2) == scores[1].argmax(axis=2)).all()


def test_lean_copy_kept_and_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance.readers.ocr import lean

    detector = _model("Det")
    made = lean.lean_model(detector)
    assert made != str(detector) and Path(made).is_file() and "det" in Path(made).name

    def never(data: bytes) -> bytes:
        raise AssertionError("rewritten again")

    monkeypatch.setattr(lean, "rewrite", never)
    assert lean.lean_model(detector) == made


def test_original_used_when_no_lean_copy_can_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance.readers.ocr import lean

    detector = _model("Det")

    def no_onnx(data: bytes) -> bytes:
        raise ImportError("No module named 'onnx'")

    def never(data: bytes) -> bytes:
        raise AssertionError("rewritten again")

    monkeypatch.setattr(lean, "rewrite", no_onnx)
    assert lean.lean_model(detector) == str(detector)
    # A model with nothing to rewrite is remembered as such: later processes load it as it is.
    monkeypatch.setattr(lean, "rewrite", lambda data: None)
    assert lean.lean_model(detector) == str(detector)
    monkeypatch.setattr(lean, "rewrite", never)
    assert lean.lean_model(detector) == str(detector)
    assert not list((tmp_path / "cache" / "models").glob("*.tmp"))
    # A cache that cannot keep the copy: the model is not rewritten at all.
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(blocked))
    assert lean.lean_model(detector) == str(detector)
    assert lean.lean_model(tmp_path / "missing.onnx") == str(tmp_path / "missing.onnx")


def test_a_rewrite_that_changes_the_outputs_is_refused() -> None:
    from onnx import helper, numpy_helper

    from compliance.readers.ocr.lean import _agrees

    def model(scale: float) -> bytes:
        import numpy as np

        weight = numpy_helper.from_array(np.full((2, 3, 1, 1), scale, dtype=np.float32), "w")
        graph = helper.make_graph(
            [helper.make_node("Conv", ["x", "w"], ["y"])],
            "g",
            [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 3, "h", "w_"])],
            [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, None)],
            [weight],
        )
        built = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 12)])
        built.ir_version = 7
        return built.SerializeToString()

    assert _agrees(model(1.0), model(1.0))
    assert not _agrees(model(1.0), model(1.01))
