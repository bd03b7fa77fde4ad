"""Columns of the buyer import template and export: Chinese headers, English aliases, type labels."""
from buyers.models import BUYER_TYPES

# key, Chinese header (the template's header row)
IMPORT_COLUMNS = [
    ("name", "名称"), ("type", "类型"), ("credit_code", "统一社会信用代码"), ("county_code", "地区代码"),
    ("address", "地址"), ("contact_name", "联系人"), ("contact_role", "职务"), ("phone", "电话"),
    ("email", "邮箱"), ("annual_volume_tons", "年采购量(吨)"), ("products_of_interest", "关注产品"),
    ("source", "来源"),
]
EXPORT_COLUMNS = [("id", "ID"), *IMPORT_COLUMNS[:4], ("region_name", "地区"), *IMPORT_COLUMNS[4:],
                  ("verified", "已核实"), ("active", "有效")]

# Header spellings accepted on import (Chinese, English keys, common variants) -> key.
HEADER_ALIASES = {key: key for key, _label in IMPORT_COLUMNS}
HEADER_ALIASES.update({label: key for key, label in IMPORT_COLUMNS})
HEADER_ALIASES.update({
    "采购商名称": "name", "企业名称": "name", "单位名称": "name", "公司名称": "name",
    "采购商类型": "type", "信用代码": "credit_code", "社会信用代码": "credit_code",
    "行政区划代码": "county_code", "区划代码": "county_code", "联系电话": "phone", "手机": "phone",
    "联系人职务": "contact_role", "电子邮箱": "email", "年采购量": "annual_volume_tons",
    "年采购量（吨）": "annual_volume_tons", "关注品类": "products_of_interest", "数据来源": "source",
    "id": "id", "ID": "id", "地区": "region_name", "已核实": "verified", "有效": "active",
})

TYPE_LABELS_ZH = {"wholesale_market": "批发市场", "supermarket": "商超", "ecommerce": "电商",
                  "processor": "加工企业", "catering": "餐饮", "exporter": "出口商", "distributor": "经销商"}
TYPE_ALIASES = {code: code for code in BUYER_TYPES}
TYPE_ALIASES.update({label: code for code, label in TYPE_LABELS_ZH.items()})
TYPE_ALIASES.update({"农产品批发市场": "wholesale_market", "超市": "supermarket", "连锁超市": "supermarket",
                     "商超连锁": "supermarket", "电商平台": "ecommerce", "电子商务": "ecommerce", "网店": "ecommerce",
                     "加工": "processor", "加工厂": "processor", "食品加工": "processor", "餐饮企业": "catering",
                     "食堂": "catering", "团餐": "catering", "出口": "exporter", "外贸": "exporter",
                     "经销": "distributor", "批发商": "distributor", "贸易商": "distributor", "供应链": "distributor"})
