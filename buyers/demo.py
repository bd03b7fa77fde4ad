"""Demo buyer database: organisations of every type in several provinces (valid credit codes computed with
the GB 32100 check character), contacts, open demands for real produce; buyer@demo.harvestlink.cn acts for
深圳鲜达生鲜供应链有限公司. Idempotent: organisations are found by name, demands by (buyer, product, variety)."""
from datetime import date, timedelta

import sqlalchemy as sa

from buyers import services
from buyers.credit_code import complete
from buyers.models import BuyerContact, BuyerMember, BuyerOrg, Demand
from core.db import db

DEMO_BUYER_EMAIL = "buyer@demo.harvestlink.cn"

# name, type, county, serial for the credit code (None: no code on record), address, volume t/y,
# products of interest, preferred origins, contacts [(name, role, phone, private)]
ORGS = [
    ("深圳鲜达生鲜供应链有限公司", "distributor", "440305", 1, "深圳市南山区科技园南区高新南七道18号", 12000,
     ["脐橙", "猕猴桃", "大米"], ["360000", "610000"], [("周晓雯", "采购总监", "0755-86001234", False),
                                                   ("黄志强", "水果采购", "13923456781", True)]),
    ("广州江南果菜批发市场经营管理有限公司", "wholesale_market", "440111", 2, "广州市白云区增槎路东旺大街", 500000,
     ["脐橙", "蜜柚", "香蕉"], ["360000", "450000"], [("陈国华", "招商部经理", "020-86201188", False)]),
    ("北京新发地农产品批发市场管理有限公司", "wholesale_market", "110106", 3, "北京市丰台区京开公路1号", 800000,
     ["马铃薯", "苹果", "大白菜"], [], [("李建军", "市场部", "010-83728899", False)]),
    ("武汉白沙洲农副产品大市场有限公司", "wholesale_market", "420111", 4, "武汉市洪山区白沙洲大道", 300000,
     ["脐橙", "莲藕", "小龙虾"], ["420000", "360000"], [("刘伟", "业务主管", "027-88051234", False)]),
    ("永辉超市股份有限公司南昌分公司", "supermarket", "360111", 5, "南昌市青山湖区北京东路", 20000,
     ["脐橙", "大米", "鸭蛋"], ["360000"], [("吴敏", "生鲜采购", "13807001234", False),
                                           ("赵磊", "品控", "13807005678", True)]),
    ("中百仓储超市有限公司", "supermarket", "420103", 6, "武汉市江汉区唐家墩路", 35000, ["莲藕", "大米", "茶叶"],
     ["420000"], [("孙丽", "生鲜部", "027-85711234", False)]),
    ("成都红旗连锁股份有限公司", "supermarket", "510106", 7, "成都市金牛区金府路", 18000, ["猕猴桃", "茶叶", "花椒"],
     ["510000"], [("何勇", "采购经理", "028-87661234", False)]),
    ("杭州鲜丰水果电子商务有限公司", "ecommerce", "330106", 8, "杭州市西湖区文三路", 9000, ["猕猴桃", "脐橙", "蓝莓"],
     ["610000", "360000"], [("沈佳", "直采负责人", "0571-88881234", False)]),
    ("赣南果业电商服务有限公司", "ecommerce", "360702", 9, "赣州市章贡区红旗大道", 3000, ["脐橙", "赣南脐橙"], ["360700"],
     [("钟华", "运营", "0797-8123456", False)]),
    ("五常市乔府大院农业股份有限公司", "processor", "230184", 10, "黑龙江省五常市民意乡", 60000, ["稻谷", "大米"],
     ["230000"], [("乔明", "原料采购", "0451-53001234", False)]),
    ("江西省绿源果汁饮料有限公司", "processor", "360703", 11, "江西省南康区工业园", 15000, ["脐橙", "柑橘"], ["360000"],
     [("曾强", "原料部", "0797-6601234", False)]),
    ("湖北省绿源食品有限公司", "processor", "421003", 12, "荆州市荆州区城南开发区", 8000, ["莲藕", "菱角"], ["420000"],
     [("黄涛", "采购部", "0716-8451234", False)]),
    ("赣州市第一中学食堂", "catering", "360702", None, "赣州市章贡区红旗大道", 600, ["大米", "蔬菜", "猪肉"], ["360700"],
     [("邱老师", "后勤主任", "0797-8223456", False)]),
    ("西安曲江餐饮管理有限公司", "catering", "610113", 13, "西安市雁塔区曲江新区", 1200, ["猕猴桃", "马铃薯"], ["610000"],
     [("王芳", "行政采购", "029-85561234", False)]),
    ("厦门国贸农产品进出口有限公司", "exporter", "350203", 14, "厦门市思明区湖滨南路", 25000, ["茶叶", "蜜柚", "脐橙"],
     ["350000", "360000"], [("林志明", "出口部经理", "0592-5161234", False)]),
    ("广西北部湾果蔬出口有限公司", "exporter", "450103", 15, "南宁市青秀区民族大道", 18000, ["沃柑", "芒果", "百香果"],
     ["450000"], [("韦丽", "业务员", "0771-5561234", False)]),
    ("长沙红星农副产品物流有限公司", "distributor", "430111", 16, "长沙市雨花区红星路", 40000, ["辣椒", "柑橘", "猪肉"],
     ["430000", "360000"], [("彭军", "采购部", "0731-85001234", False)]),
]

# buyer name -> [(product, variety, spec, qty from, qty to, unit, price ceiling, price unit, delivery county,
#                 preferred provinces, days until start, window days, certifications, frequency)]
DEMANDS = {
    "深圳鲜达生鲜供应链有限公司": [
        ("赣南脐橙", "纽荷尔", "75mm以上", 20, 50, "吨", 4.2, "元/斤", "440305", ["360000"], 0, 90, ["gi"], "weekly"),
        ("猕猴桃", "徐香", "单果100g以上", 10, 30, "吨", 9, "元/公斤", "440305", ["610000"], 10, 120, [], "weekly"),
        ("五常大米", "稻花香2号", "5kg袋装", 5, 20, "吨", 12, "元/公斤", "440305", ["230000"], 0, 180, ["green_food"],
         "monthly"),
        ("鸡蛋", "", "土鸡蛋", 2000, 5000, "斤", 8, "元/斤", "440305", [], 0, 60, [], "weekly"),
    ],
    "广州江南果菜批发市场经营管理有限公司": [
        ("脐橙", "", "70mm以上", 100, 300, "吨", 3600, "元/吨", "440111", ["360000", "450000"], 0, 90, [], "seasonal"),
        ("沙糖桔", "", "", 50, 150, "吨", 3, "元/斤", "440111", ["450000", "440000"], 20, 60, [], "seasonal"),
        ("马铃薯", "荷兰15号", "", 200, 500, "吨", 1.6, "元/斤", "440111", [], 0, 60, [], "weekly"),
    ],
    "北京新发地农产品批发市场管理有限公司": [
        ("苹果", "红富士", "80mm", 100, 400, "吨", 6, "元/公斤", "110106", ["610000", "370000"], 0, 120, [], "weekly"),
        ("大白菜", "", "", 300, 800, "吨", 0.8, "元/斤", "110106", [], 30, 60, [], "seasonal"),
    ],
    "武汉白沙洲农副产品大市场有限公司": [
        ("莲藕", "", "粉藕", 50, 120, "吨", 5, "元/公斤", "420111", ["420000"], 0, 90, [], "weekly"),
        ("小龙虾", "", "4-6钱", 10, 40, "吨", 30, "元/斤", "420111", ["420000"], 60, 90, [], "seasonal"),
    ],
    "永辉超市股份有限公司南昌分公司": [
        ("赣南脐橙", "", "礼盒装10斤", 2000, 5000, "箱", 60, "元/箱", "360111", ["360000"], 0, 60, [], "weekly"),
        ("鸭蛋", "", "咸鸭蛋", 1000, 3000, "斤", 10, "元/斤", "360111", ["360000"], 0, 90, [], "monthly"),
    ],
    "中百仓储超市有限公司": [
        ("大米", "", "10kg", 20, 60, "吨", 5.5, "元/公斤", "420103", ["420000", "230000"], 0, 120, [], "monthly"),
    ],
    "成都红旗连锁股份有限公司": [
        ("茶叶", "蒙顶甘露", "", 500, 2000, "斤", 300, "元/斤", "510106", ["510000"], 0, 90, ["organic"], "seasonal"),
        ("猕猴桃", "红阳", "", 5, 20, "吨", 16, "元/公斤", "510106", ["510000"], 20, 60, [], "weekly"),
    ],
    "杭州鲜丰水果电子商务有限公司": [
        ("猕猴桃", "翠香", "单果90g以上", 10, 40, "吨", 5, "元/斤", "330106", ["610000"], 15, 90, [], "weekly"),
        ("蓝莓", "", "15mm以上", 2, 8, "吨", 40, "元/公斤", "330106", [], 60, 45, ["green_food"], "seasonal"),
    ],
    "赣南果业电商服务有限公司": [
        ("脐橙", "纽荷尔", "65-75mm", 50, 200, "吨", 3.2, "元/斤", "360702", ["360000"], 0, 100, [], "weekly"),
    ],
    "五常市乔府大院农业股份有限公司": [
        ("稻谷", "稻花香2号", "", 1000, 3000, "吨", 3.8, "元/公斤", "230184", ["230000"], 30, 60, ["green_food"],
         "seasonal"),
    ],
    "江西省绿源果汁饮料有限公司": [
        ("柑橘", "", "加工果", 200, 600, "吨", 1200, "元/吨", "360703", ["360000"], 0, 90, [], "seasonal"),
    ],
    "西安曲江餐饮管理有限公司": [
        ("土豆", "", "", 5, 15, "吨", 2.5, "元/公斤", "610113", ["610000", "620000"], 0, 180, [], "weekly"),
    ],
    "厦门国贸农产品进出口有限公司": [
        ("茶叶", "铁观音", "", 2, 10, "吨", 160, "元/公斤", "350203", ["350000"], 0, 120, ["organic"], "one_off"),
        ("蜜柚", "琯溪蜜柚", "", 100, 300, "吨", 2.2, "元/斤", "350203", ["350000"], 30, 90, ["gi"], "seasonal"),
    ],
    "长沙红星农副产品物流有限公司": [
        ("辣椒", "朝天椒", "", 20, 80, "吨", 8, "元/公斤", "430111", ["430000", "520000"], 0, 90, [], "weekly"),
    ],
}


def _org(entry, created: list) -> BuyerOrg:
    name, type_, county, serial, address, volume, products, origins, contacts = entry
    org = db.session.scalar(sa.select(BuyerOrg).where(BuyerOrg.name == name))
    if org is not None:
        return org
    org = BuyerOrg(name=name, type=type_, county_code=county, address=address, annual_volume_tons=volume,
                   credit_code=complete(f"91{county}MA{serial:07d}") if serial else None,
                   products_of_interest=products, preferred_origin_codes=origins, delivery_region_codes=[county],
                   source="demo")
    services.apply_org(org, {})
    db.session.add(org)
    db.session.flush()
    for contact_name, role, phone, private in contacts:
        org.contacts.append(BuyerContact(name=contact_name, role=role, phone=phone, private=private))
    created.append(name)
    return org


def _demand_data(row) -> dict:
    product, variety, spec, qmin, qmax, unit, price, price_unit, county, provinces, start, days, certs, freq = row
    today = date.today()
    return {"product_name": product, "variety": variety, "spec": spec, "quantity_min": qmin, "quantity_max": qmax,
            "unit": unit, "price_max": price, "price_unit": price_unit, "delivery_county_code": county,
            "preferred_province_codes": provinces, "needed_from": today + timedelta(days=start),
            "needed_to": today + timedelta(days=start + days), "required_certifications": certs, "frequency": freq}


def load() -> list[str]:
    from accounts.services import find_by_email

    created: list[str] = []
    orgs = {entry[0]: _org(entry, created) for entry in ORGS}
    db.session.commit()
    verifier = find_by_email("admin@demo.harvestlink.cn")
    for org in orgs.values():
        if org.verified_at is None and org.credit_code and verifier is not None:
            services.verify_org(verifier, org)
    buyer = find_by_email(DEMO_BUYER_EMAIL)
    if buyer is not None and db.session.scalar(sa.select(BuyerMember).where(BuyerMember.user_id == buyer.id)) is None:
        db.session.add(BuyerMember(buyer_id=orgs[ORGS[0][0]].id, user_id=buyer.id))
        db.session.commit()
    added = 0
    for name, rows in DEMANDS.items():
        for row in rows:
            exists = db.session.scalar(sa.select(Demand.id).where(
                Demand.buyer_id == orgs[name].id, Demand.product_name == row[0], Demand.variety == row[1]))
            if exists is None:
                services.create_demand_for(orgs[name], _demand_data(row), actor=buyer if name == ORGS[0][0] else None)
                added += 1
    return [f"buyers: {len(created)} organisations added, {len(ORGS) - len(created)} already there; "
            f"{added} demands added"]
