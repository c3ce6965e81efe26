"""pyqtgraph views of snapshots. Each creates its items once and updates them with setData."""
