"""zwgk's browser search runtime. This folder is installed as the package
`zwgk.search_runtime` (see pyproject.toml), so an installed zwgk carries its scripts."""
