"""zwgk's default theme. This folder is installed as the package `zwgk.themes` (see
pyproject.toml), so an installed zwgk carries its templates and static files."""
