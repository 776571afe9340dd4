"""The export's progress line: formats by the names their check boxes use, the time left while a step reports
fractions (int8 calibration, block by block), and a bar that only moves forward. The clock is a fake one."""

from __future__ import annotations

from desktop_cls.gui.pages.export.export_formats import format_checks, format_name, format_uses
from desktop_cls.gui.pages.export.export_progress import UNITS, ExportProgress


def test_progress_names_formats_and_tells_the_time_left_from_fractions() -> None:
    now = [100.0]
    shown: list[tuple[int, int, str]] = []
    steps = ExportProgress([format_name("onnx"), format_name("onnx-int8")], 4,
                           lambda d, t, w: shown.append((d, t, w)), clock=lambda: now[0])
    steps.reading()
    steps.begin(0)
    steps(1, 4, "writing onnx")
    assert shown[-1][2] == "Exporting ONNX (1 of 2): writing onnx" and "left" not in shown[-1][2]
    steps(4, 4, "export done")
    steps.begin(1)
    steps(1, 4, "writing onnx-int8")
    steps(1, 40, "int8: block 1 of 40")  # the first fraction: no rate yet
    assert "ONNX int8 (2 of 2)" in shown[-1][2] and "left" not in shown[-1][2]
    now[0] += 30.0
    steps(11, 40, "int8: block 11 of 40")  # 10 blocks in 30 s: 29 left, about 87 s
    assert shown[-1][2].endswith("about 87 s left")
    now[0] += 300.0
    steps(21, 40, "int8: block 21 of 40")  # 20 blocks in 330 s: 19 left, about 5 min
    assert shown[-1][2].endswith("about 5 min left")
    steps(2, 4, "verifying in its own runtime")  # a new stage: no estimate until it reports fractions
    assert "left" not in shown[-1][2]
    steps.done()
    values = [d for d, _t, _w in shown]
    assert values == sorted(values) and shown[-1][:2] == (3 * UNITS, 3 * UNITS)


def test_format_names_are_the_check_boxes_names(qapp: object) -> None:
    checks, uses = format_checks(), format_uses()
    for fmt in ("safetensors", "torchscript", "onnx", "onnx-int8", "onnx-fp16", "openvino", "web"):
        assert checks[fmt].text() == format_name(fmt) and checks[fmt].accessibleDescription() == uses[fmt]
    assert format_name("onnx-int8") == "ONNX int8" and format_name("torchscript") == "TorchScript"


def test_int8s_parts_move_the_bar_forward_only_and_say_how_far_the_long_step_is() -> None:
    """An int8 export names its writing stage again before measuring the blocks and before growing: the bar went
    back from 89 % to 87 % at each, and sat at 85-89 % for minutes with nothing else moving."""
    from desktop_cls.core.inference.int8_sensitivity import Agreement
    from desktop_cls.core.inference.int8_words import said_calibrating, said_grown, said_measured

    shown: list[tuple[int, int, str]] = []
    steps = ExportProgress([format_name("onnx-int8")], 4, lambda d, t, w: shown.append((d, t, w)),
                           clock=lambda: 0.0)
    steps.begin(0)
    steps(1, 4, "writing the file")
    calibrating = said_calibrating(steps, 300, 1000)
    for batch in range(1, 5):
        calibrating(batch, 4)
    measured = said_measured(steps, 4, 1000)
    for block in range(0, 7):
        measured(block, 6)
    grown = said_grown(steps, 4, 1000)
    for step in range(1, 4):
        grown(step, 3, step + 2, Agreement(295, 300))
    steps(2, 4, "verifying in its own runtime")
    values = [d for d, _t, _w in shown]
    assert values == sorted(values)
    writing = [d for d, _t, w in shown if "block" in w or "candidate" in w or "batch" in w]
    assert len(set(writing)) >= 10  # each part moves the bar
    assert "step 2 of 4: 35% done" in next(w for _d, _t, w in shown if "block 3 of 6" in w)
