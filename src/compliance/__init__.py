"""compliance: audit 政府信息公开工作年度报告 against the State Council's template."""

__version__ = "0.1.0"
