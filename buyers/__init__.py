"""Buyers: the buyer database (采购商数据库), purchase demands, supplier search, import with de-duplication."""
