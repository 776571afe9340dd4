"""The PySide6 desktop app. Never does tensor math; drives desktop_cls.core through worker threads."""
