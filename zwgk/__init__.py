"""zwgk: county 政务公开事项标准目录 as uniform static websites."""

__version__ = "0.2.0"
