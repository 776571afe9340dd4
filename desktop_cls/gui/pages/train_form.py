"""The training options form: every TrainConfig field, basics first, the rest under Advanced."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_cls.core.errors import UserError
from desktop_cls.core.models.catalog import MODELS
from desktop_cls.core.training.config import OPTIMIZERS, SCHEDULES, Augmentation, TrainConfig
from desktop_cls.core.training.defaults import Choice, suggest_image_size

from ..state import AppState
from ..widgets import button as _button

TIPS = {
    "epochs": "How many times training goes through all training images. More epochs: better fit, longer "
              "training (e.g. 15 for the demo data).",
    "batch": "Images processed together in one step. Larger is faster on a GPU but uses more memory. auto: 32 on "
             "a CPU; on a GPU the largest that fits (up to 512), with the learning rate scaled to match.",
    "lr": "How big each learning step is. Too high and training jumps around; too low and it crawls "
          "(e.g. 0.003 for Adam, 0.05 for SGD). With an automatic batch size it is the rate for 32 images.",
    "aug": "Random flips, crops and colour changes of training images so the model does not memorise them.",
    "val": "Share of each class's images held back to measure accuracy honestly.",
    "smoothing": "Softens the training targets a little; usually improves accuracy and confidence calibration.",
    "weighting": "Gives rare classes more weight so the model does not ignore them.",
    "early": "Stop when validation accuracy has not improved for this many epochs (0 = never).",
}


def _spin(name: str, lo: int, hi: int, value: int, tip: str = "") -> QSpinBox:
    s = QSpinBox()
    s.setObjectName(name)
    s.setRange(lo, hi)
    s.setValue(value)
    s.setToolTip(tip)
    s.setAccessibleName(name.replace("Spin", ""))
    return s


def _dspin(name: str, lo: float, hi: float, value: float, decimals: int, step: float, tip: str = "") -> QDoubleSpinBox:
    s = QDoubleSpinBox()
    s.setObjectName(name)
    s.setDecimals(decimals)
    s.setRange(lo, hi)
    s.setSingleStep(step)
    s.setValue(value)
    s.setToolTip(tip)
    s.setAccessibleName(name.replace("Spin", ""))
    return s



class TrainForm(QWidget):
    def __init__(self, state: AppState) -> None:
        super().__init__()
        self.state = state
        d = TrainConfig()
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("modelCombo")
        self.model_combo.setAccessibleName("Model")
        for m in MODELS.values():
            self.model_combo.addItem(m.name, m.name)
        self.model_info = QLabel()
        self.model_info.setWordWrap(True)
        self.model_info.setObjectName("modelDescription")
        self.model_combo.currentIndexChanged.connect(self._model_changed)
        self.epochs_spin = _spin("epochsSpin", 1, 10_000, 15, TIPS["epochs"])
        self.batch_spin = _spin("batchSizeSpin", 0, 8192, d.batch_size, TIPS["batch"])
        self.batch_spin.setSpecialValueText("auto")
        self.lr_spin = _dspin("learningRateSpin", 1e-6, 10.0, d.lr, 6, 0.0005, TIPS["lr"])
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("deviceCombo")
        self.device_combo.setAccessibleName("Device")
        self.device_combo.addItem("Automatic (GPU if present)", "auto")
        self.device_combo.addItem("CPU", "cpu")
        self.image_size_spin = _spin("imageSizeSpin", 8, 1024, d.image_size, "Images are resized to this square "
                                     "size. Larger keeps more detail and costs more time; the suggestion follows "
                                     "your images")
        self.size_hint = QLabel()
        self.size_hint.setObjectName("imageSizeHint")
        self.size_hint.setWordWrap(True)
        self.use_size_button = _button("Use", "useSuggestedSizeButton", "Set the image size to the suggestion")
        self.use_size_button.clicked.connect(self._follow_data)
        self._suggestion: Choice = suggest_image_size(d.model, None)
        self._size_pinned = False  # True once the user types a size: a new dataset then only suggests
        self._setting_size = False
        self.image_size_spin.valueChanged.connect(self._size_edited)
        self.pretrained_check = QCheckBox("Start from ImageNet weights (torchvision models)")
        self.pretrained_check.setObjectName("pretrainedCheck")
        self.pretrained_check.toggled.connect(lambda _on: self._suggest_size())
        state.dataset_changed.connect(lambda _index: self._suggest_size())

        basic = QFormLayout()
        basic.addRow("Model", self.model_combo)
        basic.addRow("", self.model_info)
        basic.addRow("Epochs", self.epochs_spin)
        basic.addRow("Batch size", self.batch_spin)
        self.find_lr_button = _button("Find…", "findLrButton", "Run a short learning-rate range test on your "
                                      "data and suggest a value")
        lr_row = QHBoxLayout()
        lr_row.addWidget(self.lr_spin, 1)
        lr_row.addWidget(self.find_lr_button)
        basic.addRow("Learning rate", lr_row)
        basic.addRow("Device", self.device_combo)
        basic.addRow("Image size (px)", self.image_size_spin)
        hint_row = QHBoxLayout()
        hint_row.addWidget(self.size_hint, 1)
        hint_row.addWidget(self.use_size_button)
        basic.addRow("", hint_row)
        basic.addRow("", self.pretrained_check)

        self.optimizer_combo = QComboBox()
        self.optimizer_combo.setObjectName("optimizerCombo")
        self.optimizer_combo.addItems(list(OPTIMIZERS))
        self.optimizer_combo.setCurrentText(d.optimizer)
        self.schedule_combo = QComboBox()
        self.schedule_combo.setObjectName("scheduleCombo")
        self.schedule_combo.addItems(list(SCHEDULES))
        self.schedule_combo.setCurrentText(d.schedule)
        self.wd_spin = _dspin("weightDecaySpin", 0, 1, d.weight_decay, 5, 0.001, "Pulls weights towards zero to "
                              "reduce overfitting")
        self.smooth_spin = _dspin("labelSmoothingSpin", 0, 0.5, d.label_smoothing, 2, 0.05, TIPS["smoothing"])
        self.clip_spin = _dspin("gradClipSpin", 0, 100, d.grad_clip, 2, 0.5, "Largest allowed gradient norm (0 = off)")
        self.val_spin = _dspin("valSplitSpin", 0, 0.9, d.val_fraction, 2, 0.05, TIPS["val"])
        self.seed_spin = _spin("seedSpin", 0, 2**31 - 1, d.seed, "Same seed, same data and options: same result")
        self.early_spin = _spin("earlyStoppingSpin", 0, 1000, d.early_stopping_patience, TIPS["early"])
        self.weighting_check = QCheckBox("Weight classes by rarity")
        self.weighting_check.setObjectName("classWeightingCheck")
        self.weighting_check.setToolTip(TIPS["weighting"])
        a = d.augmentation
        self.hflip_check = QCheckBox("Horizontal flip")
        self.hflip_check.setChecked(a.hflip)
        self.vflip_check = QCheckBox("Vertical flip")
        self.vflip_check.setChecked(a.vflip)
        self.crop_check = QCheckBox("Random resized crop")
        self.crop_check.setChecked(a.random_resized_crop)
        self.rotation_spin = _dspin("rotationSpin", 0, 180, a.rotation_degrees, 0, 5, "Random rotation up to ± degrees")
        self.jitter_spin = _dspin("colorJitterSpin", 0, 1, a.color_jitter, 2, 0.05, "Random brightness, contrast "
                                  "and saturation changes")
        for c, n in ((self.hflip_check, "hflipCheck"), (self.vflip_check, "vflipCheck"),
                     (self.crop_check, "cropCheck")):
            c.setObjectName(n)
            c.setToolTip(TIPS["aug"])
        self.precision_combo = QComboBox()
        self.precision_combo.setObjectName("precisionCombo")
        self.precision_combo.addItems(["auto", "fp32", "bf16", "fp16"])
        self.precision_combo.setToolTip(
            "Number format for training. auto: bf16 on GPUs that have it (else fp16) and on processors with "
            "native bf16, which trains about 1.6x faster with accuracy close to fp32; fp32 everywhere else")
        self.cache_combo = QComboBox()
        self.cache_combo.setObjectName("cacheCombo")
        self.cache_combo.addItems(["auto", "ram", "disk", "off"])
        self.cache_combo.setToolTip("Keep decoded images in memory (and on disk, so the next run starts warm)")
        self.momentum_spin = _dspin("momentumSpin", 0, 0.999, d.momentum, 3, 0.05, "SGD momentum: how much of the "
                                    "previous step carries over (0.9 is usual)")
        self.nesterov_check = QCheckBox("Nesterov momentum (SGD)")
        self.nesterov_check.setObjectName("nesterovCheck")
        self.nesterov_check.setChecked(d.nesterov)
        self.warmup_spin = _dspin("warmupSpin", 0, 100, d.warmup_epochs, 1, 0.5, "Epochs of slowly rising learning "
                                  "rate at the start (cosine, step and warmup schedules)")
        self.step_size_spin = _spin("stepSizeSpin", 1, 10_000, d.step_size, "Step schedule: epochs between drops")
        self.step_gamma_spin = _dspin("stepGammaSpin", 0.001, 1, d.step_gamma, 3, 0.05,
                                      "Step schedule: the learning rate is multiplied by this at each drop")
        self.workers_spin = _spin("workersSpin", 0, 64, d.num_workers, "Loader processes when images do not fit in "
                                  "memory (0 = automatic)")
        self.compile_check = QCheckBox("torch.compile (long GPU runs only)")
        self.compile_check.setObjectName("compileCheck")
        if getattr(sys, "frozen", False):  # the bundle ships no triton/compiler (packaging/README.md)
            self.compile_check.setEnabled(False)
            self.compile_check.setToolTip("Not available in the bundled app: install with pip to use torch.compile")
        self.channels_last_check = QCheckBox("channels-last memory layout (GPU)")
        self.channels_last_check.setObjectName("channelsLastCheck")
        self.channels_last_check.setChecked(d.channels_last)
        self.weights_edit = QLineEdit()
        self.weights_edit.setObjectName("weightsFileEdit")
        self.weights_edit.setPlaceholderText("optional pretrained weights file (.safetensors/.pth)")
        self.download_check = QCheckBox("Allow downloading pretrained weights")
        self.download_check.setObjectName("downloadWeightsCheck")
        self.calibrate_check = QCheckBox("Calibrate confidences on the validation images")
        self.calibrate_check.setObjectName("calibrateCheck")
        self.calibrate_check.setChecked(d.calibrate)
        self.calibrate_check.setToolTip("Temperature scaling: makes '80 % sure' right about 80 % of the time")

        adv = QFormLayout()
        adv.addRow("Optimizer", self.optimizer_combo)
        adv.addRow("Momentum", self.momentum_spin)
        adv.addRow("", self.nesterov_check)
        adv.addRow("Schedule", self.schedule_combo)
        adv.addRow("Warm-up epochs", self.warmup_spin)
        adv.addRow("Step every (epochs)", self.step_size_spin)
        adv.addRow("Step factor", self.step_gamma_spin)
        adv.addRow("Weight decay", self.wd_spin)
        adv.addRow("Label smoothing", self.smooth_spin)
        adv.addRow("Gradient clipping", self.clip_spin)
        adv.addRow("Validation share", self.val_spin)
        adv.addRow("Seed", self.seed_spin)
        adv.addRow("Early stopping (epochs)", self.early_spin)
        adv.addRow("", self.weighting_check)
        adv.addRow("", self.calibrate_check)
        adv.addRow("Augmentation", self.hflip_check)
        adv.addRow("", self.vflip_check)
        adv.addRow("", self.crop_check)
        adv.addRow("Rotation (±°)", self.rotation_spin)
        adv.addRow("Colour jitter", self.jitter_spin)
        adv.addRow("Precision", self.precision_combo)
        adv.addRow("Image cache", self.cache_combo)
        adv.addRow("Loader workers", self.workers_spin)
        adv.addRow("", self.channels_last_check)
        adv.addRow("", self.compile_check)
        adv.addRow("Weights file", self.weights_edit)
        adv.addRow("", self.download_check)
        self.advanced = QGroupBox("Advanced")
        self.advanced.setObjectName("advancedGroup")
        self.advanced.setCheckable(True)
        self.advanced.setChecked(False)
        adv_body = QWidget()
        adv_body.setLayout(adv)
        adv_body.setVisible(False)
        self.advanced.toggled.connect(adv_body.setVisible)
        QVBoxLayout(self.advanced).addWidget(adv_body)

        fl = QVBoxLayout(self)
        fl.addLayout(basic)
        fl.addWidget(self.advanced)
        fl.addStretch(1)
        self._model_changed()

    def _model_changed(self) -> None:
        info = MODELS[self.model_combo.currentData() or "quicknet"]
        self.pretrained_check.setEnabled(info.torchvision)
        self._size_pinned = False
        self._suggest_size()
        self._describe_model()

    # ---- image size: follows the data until the user picks one ----------------------------------
    def _suggest_size(self) -> None:
        ds = self.state.dataset
        pretrained = self.pretrained_check.isChecked() and self.pretrained_check.isEnabled()
        self._suggestion = suggest_image_size(self.model_combo.currentData() or "quicknet",
                                              ds.typical_size if ds is not None else None, pretrained)
        if not self._size_pinned:
            self._set_size(self._suggestion.value)
        self._update_size_hint()

    def _set_size(self, value: int) -> None:
        self._setting_size = True
        try:
            self.image_size_spin.setValue(value)
        finally:
            self._setting_size = False
        self._update_size_hint()

    def _follow_data(self) -> None:
        self._size_pinned = False
        self._suggest_size()

    def _size_edited(self) -> None:
        if not self._setting_size:
            self._size_pinned = True
        self._update_size_hint()

    def _update_size_hint(self) -> None:
        c = self._suggestion
        same = self.image_size_spin.value() == c.value
        self.size_hint.setText(c.reason if same else f"Suggested {c.reason}")
        self.use_size_button.setText(f"Use {c.value} px")
        self.use_size_button.setVisible(not same)

    def _describe_model(self) -> None:
        info = MODELS[self.model_combo.currentData() or "quicknet"]
        text = info.description
        if self.state.core_loaded:
            from desktop_cls.core.models.architectures import parameter_count

            n = len(self.state.dataset.classes) if self.state.dataset is not None else 10
            text += f" · {parameter_count(info.name, n, info.default_image_size) / 1e6:.2f} M parameters"
        self.model_info.setText(text)

    def current_config_dict(self) -> dict[str, Any]:
        aug = Augmentation(hflip=self.hflip_check.isChecked(), vflip=self.vflip_check.isChecked(),
                           rotation_degrees=self.rotation_spin.value(),
                           random_resized_crop=self.crop_check.isChecked(), color_jitter=self.jitter_spin.value())
        cfg = TrainConfig(
            model=self.model_combo.currentData(), image_size=self.image_size_spin.value(),
            epochs=self.epochs_spin.value(), batch_size=self.batch_spin.value(), lr=self.lr_spin.value(),
            optimizer=self.optimizer_combo.currentText(), schedule=self.schedule_combo.currentText(),
            weight_decay=self.wd_spin.value(), label_smoothing=self.smooth_spin.value(),
            grad_clip=self.clip_spin.value(), val_fraction=self.val_spin.value(), seed=self.seed_spin.value(),
            early_stopping_patience=self.early_spin.value(), class_weighting=self.weighting_check.isChecked(),
            augmentation=aug, device=self.device_combo.currentData(), precision=self.precision_combo.currentText(),
            cache_images=self.cache_combo.currentText(),
            pretrained=self.pretrained_check.isChecked() and self.pretrained_check.isEnabled(),
            momentum=self.momentum_spin.value(), nesterov=self.nesterov_check.isChecked(),
            warmup_epochs=self.warmup_spin.value(), step_size=self.step_size_spin.value(),
            step_gamma=self.step_gamma_spin.value(), num_workers=self.workers_spin.value(),
            compile=self.compile_check.isChecked(), channels_last=self.channels_last_check.isChecked(),
            weights_file=self.weights_edit.text().strip() or None, download_weights=self.download_check.isChecked(),
            calibrate=self.calibrate_check.isChecked(),
        )
        return cfg.to_dict()

    @property
    def size_follows_data(self) -> bool:
        return not self._size_pinned

    def apply_saved(self, saved: dict[str, Any], size_follows_data: bool = True) -> None:
        """Last session's options; the image size keeps following the data unless the user had typed one."""
        if not saved:
            return
        try:
            cfg = TrainConfig.from_dict(saved)
        except UserError:
            return
        self.apply_config(cfg)
        self._size_pinned = not size_follows_data
        self._suggest_size()

    def apply_config(self, cfg: TrainConfig) -> None:
        i = self.model_combo.findData(cfg.model)
        if i >= 0:
            self.model_combo.setCurrentIndex(i)
        self._size_pinned = True
        self._set_size(cfg.image_size)
        self.epochs_spin.setValue(cfg.epochs)
        self.batch_spin.setValue(cfg.batch_size)
        self.lr_spin.setValue(cfg.lr)
        self.optimizer_combo.setCurrentText(cfg.optimizer)
        self.schedule_combo.setCurrentText(cfg.schedule)
        self.wd_spin.setValue(cfg.weight_decay)
        self.smooth_spin.setValue(cfg.label_smoothing)
        self.clip_spin.setValue(cfg.grad_clip)
        self.val_spin.setValue(cfg.val_fraction)
        self.seed_spin.setValue(cfg.seed)
        self.early_spin.setValue(cfg.early_stopping_patience)
        self.weighting_check.setChecked(cfg.class_weighting)
        a = cfg.augmentation
        self.hflip_check.setChecked(a.hflip)
        self.vflip_check.setChecked(a.vflip)
        self.crop_check.setChecked(a.random_resized_crop)
        self.rotation_spin.setValue(a.rotation_degrees)
        self.jitter_spin.setValue(a.color_jitter)
        self.precision_combo.setCurrentText(cfg.precision)
        self.cache_combo.setCurrentText(cfg.cache_images)
        self.pretrained_check.setChecked(cfg.pretrained)
        self.momentum_spin.setValue(cfg.momentum)
        self.nesterov_check.setChecked(cfg.nesterov)
        self.warmup_spin.setValue(cfg.warmup_epochs)
        self.step_size_spin.setValue(cfg.step_size)
        self.step_gamma_spin.setValue(cfg.step_gamma)
        self.workers_spin.setValue(cfg.num_workers)
        self.compile_check.setChecked(cfg.compile)
        self.channels_last_check.setChecked(cfg.channels_last)
        self.weights_edit.setText(cfg.weights_file or "")
        self.download_check.setChecked(cfg.download_weights)
        self.calibrate_check.setChecked(cfg.calibrate)

    def add_devices(self, devices: list[Any]) -> None:
        """GPUs by name and memory (and Apple's MPS) next to Automatic and CPU."""
        for d in devices:
            if d.id != "cpu" and self.device_combo.findData(d.id) < 0:
                mem = f" ({d.memory_mb / 1024:.0f} GB)" if d.memory_mb else ""
                self.device_combo.addItem(f"{d.id} — {d.name}{mem}", d.id)
        self._describe_model()
