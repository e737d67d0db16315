"""The project's format module (settings.FORMAT_MODULE_PATH): Django's own locale formats, with
the ISO forms first so that every form input renders what browsers' date inputs accept."""
