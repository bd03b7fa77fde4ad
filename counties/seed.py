"""The programme's indicators (from the demonstration-county work plans). Loaded as data rows; admins add more."""
# code, name_zh, name_en, kind, unit, flow, definition (zh)
BUILTIN_INDICATORS = [
    ("service_centre_built", "县级电子商务公共服务中心建成", "County e-commerce public service centre built",
     "boolean", "", False, "县级电子商务公共服务中心是否建成并投入运营（是=1，否=0）。"),
    ("service_centre_area", "县级电商公共服务中心面积", "County e-commerce service centre floor area",
     "area_m2", "m²", False, "县级电子商务公共服务中心建筑面积，单位平方米。"),
    ("logistics_centre_built", "县级物流仓储配送中心建成", "County logistics and warehousing centre built",
     "boolean", "", False, "县级物流仓储配送中心是否建成并投入运营（是=1，否=0）。"),
    ("logistics_centre_area", "县级物流仓储配送中心面积", "County logistics centre floor area",
     "area_m2", "m²", False, "县级物流仓储配送中心建筑面积，单位平方米。"),
    ("township_stations", "乡镇电商服务站数量", "Township e-commerce service stations",
     "count", "个", False, "期末在运营的乡镇级电子商务服务站数量。"),
    ("village_points", "村级电商服务点数量", "Village e-commerce service points",
     "count", "个", False, "期末在运营的村级电子商务服务点数量。"),
    ("village_coverage", "建制村电商服务覆盖率", "Coverage of administrative villages by e-commerce services",
     "percent", "%", False, "有电子商务服务点覆盖的建制村数 ÷ 建制村总数 × 100。"),
    ("poor_village_coverage", "贫困村电商服务覆盖率", "Coverage of poor villages by e-commerce services",
     "percent", "%", False, "有电子商务服务点覆盖的贫困村数 ÷ 贫困村总数 × 100。"),
    ("township_express_coverage", "乡镇快递网点覆盖率", "Township express-delivery coverage",
     "percent", "%", False, "设有快递网点的乡镇数 ÷ 乡镇总数 × 100。"),
    ("rural_online_sales", "农村网络零售额", "Rural online retail sales",
     "amount_wan", "万元", True, "本期县域农村地区实现的网络零售额，单位万元。"),
    ("agri_online_sales", "农产品网络零售额", "Agricultural products online retail sales",
     "amount_wan", "万元", True, "本期县域农产品网络零售额，单位万元。"),
    ("training_sessions", "电商培训场次", "E-commerce training sessions",
     "count", "场", True, "本期组织的电子商务培训场次。"),
    ("trainees", "电商培训人次", "E-commerce trainees",
     "count", "人次", True, "本期电子商务培训人次（同一人参加多次按多次计）。"),
    ("online_shops", "新开网店数", "Online shops opened",
     "count", "个", True, "本期新开设的网店数量。"),
    ("jobs_created", "带动就业人数", "Jobs created",
     "count", "人", True, "本期电子商务带动新增就业人数。"),
    ("poor_households_benefiting", "带动贫困户数", "Poor households benefiting",
     "count", "户", False, "截至期末通过电子商务带动增收的贫困户数（累计）。"),
]

# Units that a kind requires (counts may use any counting word: 个, 人次, 户, 场).
KIND_UNITS = {"percent": "%", "amount_wan": "万元", "area_m2": "m²", "boolean": ""}
UNIT_ALIASES = {"％": "%", "万": "万元", "m2": "m²", "㎡": "m²", "平方米": "m²", "平米": "m²"}


def canonical_unit(text: str | None) -> str:
    unit = (text or "").strip().replace(" ", "")
    return UNIT_ALIASES.get(unit, unit)
