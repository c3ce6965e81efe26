"""The main window: panels as docks on the left, live plots in the centre, run
controls in the toolbar, state in the status bar."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QSplitter, QWidget

from playground import lessons
from playground.app import dialogs, files, kernels, presentation, settings, shortcuts, wiring
from playground.app.controls import RunControls
from playground.app.file_controller import FileController
from playground.app.page_tabs import PageTabs
from playground.app.screen_fit import ScreenFit, fit_docks
from playground.app.status import StatusBar
from playground.compare.view import CompareView
from playground.network.view import NetworkView
from playground.panels.base import SectionPanel
from playground.panels.data_panel import DataPanel
from playground.panels.network_panel import NetworkPanel
from playground.panels.optimizer_panel import OptimizerPanel
from playground.panels.training_panel import TrainingPanel
from playground.plots import smoothing_slider, style
from playground.plots.activation_gallery import ActivationGallery
from playground.plots.boundary import BoundaryPlot
from playground.plots.grad_plot import GradPlot
from playground.plots.histograms import Histograms
from playground.plots.loss_plot import LossPlot
from playground.session.controller import SessionController

SHUTDOWN_SECONDS = 1.0
LAYOUT_VERSION = 1  # bump when docks change, so an old saved layout is ignored


@dataclass
class Views:
    loss: LossPlot
    grad: GradPlot
    hists: Histograms
    boundary: BoundaryPlot
    gallery: ActivationGallery
    compare: CompareView
    network: NetworkView
    panels: dict[str, SectionPanel]
    controls: RunControls
    status: StatusBar


class MainWindow(QMainWindow):
    def __init__(self, qsettings: QSettings | None = None, *, warm_up: bool = True,
                 session_path: str | Path | None = None) -> None:
        style.apply()
        super().__init__()
        self.settings = qsettings if qsettings is not None else settings.make_settings()
        self.setWindowTitle("Optimizer Playground")
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        self.resize(1400, 900)

        self.controls = RunControls(self)
        self.addToolBar(self.controls)
        self.addToolBar(self.controls.readouts)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._let_status_shrink()
        self.views = Views(loss=LossPlot(), grad=GradPlot(), hists=Histograms(),
                           boundary=BoundaryPlot(), gallery=ActivationGallery(),
                           compare=CompareView(), network=NetworkView(),
                           panels={"network": NetworkPanel(), "data": DataPanel(),
                                   "optimizer": OptimizerPanel(), "training": TrainingPanel()},
                           controls=self.controls, status=self.status)
        self._build_centre()
        self.docks = self._build_docks()
        self.session = SessionController(dialogs.WindowPrompts(self), self)
        self._paint_gate = wiring.connect(self, self.session, self.views)
        self.files = FileController(self, self.session, self.settings)
        self._add_lab_tabs()
        self.lessons = lessons.install(self)
        self.presentation = presentation.Presentation(self)
        self.screen_fit = ScreenFit(self)
        self._build_menus()
        self._connect_controls()
        self._restore_layout()

        # Something moves at once: the default session, paused, ready for Space.
        if session_path is None or not self.files.open_path(session_path):
            self.files.open_preset(files.DEFAULT_PRESET)
        self._warm_up = kernels.WarmUp(self)
        self._warm_up.finished.connect(self.status.show_kernels)
        if warm_up and not kernels.is_ready():
            self.status.show_kernels("compiling kernels\u2026")
            self._warm_up.start()
        elif not kernels.is_ready():
            kernels.mark_ready()  # no background warm-up: draw synchronously

    # -- convenient names (tests and scripts use them) --------------------------------
    @property
    def worker(self):
        return self.session.worker

    @property
    def panels(self) -> dict[str, SectionPanel]:
        return self.views.panels

    def exportable_views(self) -> dict[str, QWidget]:
        v = self.views
        return {"Loss": v.loss, "Gradient norms": v.grad, "Histograms": v.hists,
                "Prediction": v.boundary, "Activation gallery": v.gallery,
                "Compare": v.compare}

    # -- layout ----------------------------------------------------------------------
    def _build_centre(self) -> None:
        v = self.views
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(v.loss)
        top.addWidget(v.boundary)
        top.setSizes([600, 420])
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(v.grad)
        bottom.addWidget(v.hists)
        bottom.setSizes([560, 460])
        page = QSplitter(Qt.Orientation.Vertical)
        page.addWidget(top)
        page.addWidget(bottom)
        page.setSizes([430, 370])
        for s in (top, bottom, page):
            s.setChildrenCollapsible(False)
        self.tabs = PageTabs()  # each page scrolls rather than widen the window
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(page, "Training")
        self.tabs.addTab(v.network, "Network")
        self.tabs.addTab(v.gallery, "Activation gallery")
        self.tabs.addTab(v.compare, "Compare")
        self.setCentralWidget(self.tabs)

    def _let_status_shrink(self) -> None:
        """The status bar's texts must not set the window's minimum width (a long state
        in presentation mode would make it wider than a 1024 px screen): they are
        cut at the window's edge instead."""
        from PySide6.QtWidgets import QLabel

        for label in self.status.findChildren(QLabel):
            label.setMinimumWidth(24)  # instead of its text's width

    def _add_lab_tabs(self) -> None:
        """The optimizer lab and the loss landscape (playground.lab, issue 5) as tabs."""
        self.lab = self.landscape = None
        try:
            from playground.lab import LabWidget, LandscapeWidget
        except ImportError as err:  # the lab is an add-on: the app runs without it
            self.status.showMessage(f"Optimizer lab unavailable: {err}", 10_000)
            return
        self.lab = LabWidget()
        self.tabs.addTab(self.lab, "Optimizer lab")
        self.landscape = LandscapeWidget()
        # A private copy of the run: the landscape computes on it in its own thread
        # while training goes on.
        self.landscape.set_trainer_provider(self.session.trainer_copy)
        self.tabs.addTab(self.landscape, "Loss landscape")

    def _build_docks(self) -> dict[str, QDockWidget]:
        docks = {}
        titles = {"network": "Network", "data": "Data", "optimizer": "Optimizer",
                  "training": "Training"}
        for key, panel in self.views.panels.items():
            dock = QDockWidget(titles[key], self)
            dock.setObjectName(f"dock_{key}")
            dock.setWidget(panel)
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                             | QDockWidget.DockWidgetFeature.DockWidgetClosable)
            docks[key] = dock
        self._default_dock_layout(docks)
        return docks

    def _default_dock_layout(self, docks: dict[str, QDockWidget]) -> None:
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        for d in docks.values():
            d.setFloating(False)
            d.show()
        # Two stacks: what is built (network / data) over how it learns
        # (optimizer / training). Split first: a tabified dock cannot be split.
        self.addDockWidget(left, docks["network"])
        self.splitDockWidget(docks["network"], docks["optimizer"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(docks["network"], docks["data"])
        self.tabifyDockWidget(docks["optimizer"], docks["training"])
        docks["network"].raise_()
        docks["optimizer"].raise_()
        self.resizeDocks([docks["network"]], [360], Qt.Orientation.Horizontal)
        self.resizeDocks([docks["network"], docks["optimizer"]], [500, 300],
                         Qt.Orientation.Vertical)
        fit_docks(self, docks)

    def _reset_layout(self) -> None:
        self._default_dock_layout(self.docks)
        self.screen_fit.reset()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.files.build_menu(bar.addMenu("&File"))
        bar.addMenu(self.files.presets_menu)
        run = bar.addMenu("&Run")
        c = self.controls
        for act in (c.play, c.step, c.reset, c.new_seed):
            run.addAction(act)
        run.addSeparator()
        run.addAction(c.pin)
        run.addAction(c.clear_pins)
        self._add_pace_menu(run)
        self.compare_action = QAction("&Compare variants\u2026", self)
        self.compare_action.triggered.connect(
            lambda: self.tabs.setCurrentWidget(self.views.compare))
        run.addAction(self.compare_action)
        view = bar.addMenu("&View")
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addAction(self.lessons.dock.toggleViewAction())
        view.addSeparator()
        view.addAction("Reset layout", self._reset_layout)
        self._add_screen_menu(view)
        self.shortcuts_dialog: shortcuts.ShortcutsDialog | None = None
        help_menu = bar.addMenu("&Help")
        help_menu.addAction("Keyboard shortcuts", self._show_shortcuts)
        help_menu.addAction("About", self._show_about)

    def _add_pace_menu(self, run) -> None:
        run.addSeparator()
        run.addAction(self.controls.slower)
        run.addAction(self.controls.faster)

    def _add_screen_menu(self, view) -> None:
        """Presentation mode (F5), full screen (F11), panels shown or hidden (F9)."""
        view.addSeparator()
        self.presentation.add_to(view)

    def _connect_controls(self) -> None:
        c = self.controls
        s = self.session
        c.play.triggered.connect(s.toggle_play)
        c.step.triggered.connect(s.single_step)
        c.reset.triggered.connect(s.reset)
        c.new_seed.triggered.connect(s.reset_new_seed)
        c.pin.triggered.connect(self._pin)
        c.clear_pins.triggered.connect(s.clear_pins)
        c.clear_pins.triggered.connect(self.views.loss.clear_pins)

    def _pin(self) -> None:
        """Pin the run: the session keeps its config (to name what differs later), the
        loss plot its curve."""
        label = self.session.pin()
        if label is not None and not self.views.loss.pin(label):
            self.session.pins.pop()  # the plot has nothing drawn yet

    def _show_shortcuts(self) -> None:
        """Help > Keyboard shortcuts: a table of every action's shortcut (made afresh,
        so it lists the actions as they are now)."""
        if self.shortcuts_dialog is not None:
            self.shortcuts_dialog.close()
        self.shortcuts_dialog = shortcuts.ShortcutsDialog(self)
        self.shortcuts_dialog.show()

    def _show_about(self) -> None:
        QMessageBox.about(self, "Optimizer Playground",
                          "See why deep networks are hard to train and what each remedy "
                          "does.\nFollows the lecture \u201cAdvanced optimization\u201d.")

    def update_title(self, *_args) -> None:
        """Slot for the document's title and dirty flag."""
        doc = self.session.document
        self.setWindowTitle(f"{doc.title}[*] \u2014 Optimizer Playground")
        self.setWindowModified(doc.dirty)

    def show_panel(self, section: str) -> None:
        """Bring the dock of ``section``'s panel to the front (e.g. to show an error)."""
        dock = self.docks.get(section)
        if dock is not None:
            dock.show()
            dock.raise_()

    # -- settings --------------------------------------------------------------------
    def _restore_layout(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        state = s.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None and int(s.value("window/layout_version", 0)) == LAYOUT_VERSION:
            self.restoreState(state, LAYOUT_VERSION)
            fit_docks(self)
            self.screen_fit.target = None  # the restored width, once shown
        self.views.loss.set_log(str(s.value("plots/loss_log", "true")).lower() == "true")
        self._restore_smoothing()

    def _restore_smoothing(self) -> None:
        try:
            weight = float(self.settings.value("plots/smoothing", smoothing_slider.DEFAULT))
        except (TypeError, ValueError):  # a hand-edited settings file
            weight = smoothing_slider.DEFAULT
        if 0.0 <= weight <= smoothing_slider.MAXIMUM:
            self.views.loss.set_smoothing(weight)
            self.views.grad.set_smoothing(self.views.loss.smoothing.weight)

    def _save_layout(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState(LAYOUT_VERSION))
        s.setValue("window/layout_version", LAYOUT_VERSION)
        s.setValue("plots/loss_log", self.views.loss.log_box.isChecked())
        s.setValue("plots/smoothing", self.views.loss.smoothing.weight)
        s.sync()

    # -- events ----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.files.maybe_save():
            event.ignore()
            return
        self._save_layout()
        if self.landscape is not None and hasattr(self.landscape, "shutdown"):
            self.landscape.shutdown()
        self.views.network.shutdown(SHUTDOWN_SECONDS / 4)
        self.session.shutdown(SHUTDOWN_SECONDS)
        event.accept()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        # Any local file: one that cannot be opened is refused on drop, in words.
        if self._dropped_path(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path = self._dropped_path(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_dropped(path)

    def open_dropped(self, path: str | Path) -> bool:
        """Open a file dropped on the window: a session or config, a preset (untitled,
        as from the Presets menu), or a CSV as the data set (as Open CSV\u2026 does);
        anything else is named in the status bar with what is accepted."""
        path = Path(path)
        kind = files.drop_kind(path)
        if kind == "csv":
            self.show_panel("data")
            self.panels["data"].open_csv(path)
            self.status.showMessage(f"Data set: {path.name}", 6000)
            return True
        if kind == "preset":
            self.files.open_preset(path)  # reports a failure itself
            return True
        if kind == "session":
            return self.files.open_path(path)
        self.status.showMessage(f"Cannot open {path.name}: drop {files.ACCEPTED_DROPS}.",
                                10_000)
        return False

    @staticmethod
    def _dropped_path(event) -> str | None:
        """The first local file of a drag (None: no file)."""
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile():
                return url.toLocalFile()
        return None
