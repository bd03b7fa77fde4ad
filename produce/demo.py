"""Demo data: the catalogue, producer profiles for the demo producer accounts (real counties, several of
them former national poverty counties) and about forty listings with real geographical-indication names
from the 2008-2019 register. Idempotent: profiles are found by name, listings by (producer, product, variety).
"""
from datetime import date, timedelta

import sqlalchemy as sa

from core.db import db
from produce.models import Listing, ProducerCertification, ProducerMember, ProducerProfile

# email (or None for a producer without an account), kind, name, county, contact, certifications (kind, number)
PRODUCERS = [
    ("farmer@demo.harvestlink.cn", "farmer", "海原县刘大山马铃薯种植户", "640522", "刘大山",
     [("pollution_free", "WGH-NX-2024-0311")]),
    ("coop@demo.harvestlink.cn", "cooperative", "兴国县富民脐橙专业合作社", "360732", "钟建华",
     [("green_food", "LB-18-2403360732A"), ("gi", "AGI00165")]),
    ("familyfarm@demo.harvestlink.cn", "family_farm", "眉县秦岭猕猴桃家庭农场", "610326", "张秀兰",
     [("gi", "AGI00286"), ("organic", "OC-SN-2025-0416")]),
    ("enterprise@demo.harvestlink.cn", "enterprise", "五常市稻香米业有限公司", "230184", "王志国",
     [("green_food", "LB-11-2301230184B"), ("gi", "AGI00013")]),
    (None, "cooperative", "库尔勒香梨产销专业合作社", "652801", "艾力·买买提", [("gi", "AGI00083")]),
    (None, "cooperative", "西吉县将台马铃薯专业合作社", "640422", "马永福", [("gi", "AGI00897")]),
    (None, "family_farm", "盐池县滩羊家庭牧场", "640323", "李海军", [("gi", "AGI00364")]),
    (None, "enterprise", "静宁县金果苹果有限公司", "620826", "赵文斌", [("green_food", "LB-15-2206620826A")]),
    (None, "cooperative", "安溪县铁观音茶叶专业合作社", "350524", "陈美玉", [("gi", "AGI00045")]),
    (None, "cooperative", "金乡县蒜都大蒜专业合作社", "370828", "孙立新", [("pollution_free", "WGH-SD-2023-1120")]),
]

# producer name, product, variety, spec, quantity, unit, price, price unit, certifications, status
LISTINGS = [
    ("兴国县富民脐橙专业合作社", "赣南脐橙", "纽荷尔", "80mm以上 一级果", 50000, "斤", "3.80", "元/斤", ["green_food", "gi"], "active"),
    ("兴国县富民脐橙专业合作社", "赣南脐橙", "纽荷尔", "70-80mm 二级果", 30000, "斤", "2.60", "元/斤", ["gi"], "active"),
    ("兴国县富民脐橙专业合作社", "赣南脐橙", "礼盒装", "10斤/箱", 2000, "箱", "68", "元/箱", ["green_food", "gi"], "active"),
    ("兴国县富民脐橙专业合作社", "兴国灰鹅", "", "毛重4-5公斤", 800, "只", "150", "元/只", [], "active"),
    ("兴国县富民脐橙专业合作社", "兴国红鲤", "", "每尾1斤以上", 3000, "斤", "9.00", "元/斤", [], "draft"),
    ("兴国县富民脐橙专业合作社", "脐橙", "红肉脐橙", "75mm以上", 10000, "斤", None, "元/斤", [], "paused"),
    ("眉县秦岭猕猴桃家庭农场", "眉县猕猴桃", "徐香", "单果100g以上", 20000, "公斤", "8.00", "元/公斤", ["gi"], "active"),
    ("眉县秦岭猕猴桃家庭农场", "眉县猕猴桃", "翠香", "单果90g以上", 15000, "公斤", "10.00", "元/公斤", ["gi", "organic"], "active"),
    ("眉县秦岭猕猴桃家庭农场", "猕猴桃", "红阳", "5斤/箱", 1500, "箱", "75", "元/箱", ["organic"], "active"),
    ("眉县秦岭猕猴桃家庭农场", "奇异果", "海沃德", "统货", 8, "吨", "6500", "元/吨", [], "active"),
    ("五常市稻香米业有限公司", "五常大米", "稻花香2号", "25公斤/袋", 200, "吨", "9.50", "元/公斤", ["green_food", "gi"], "active"),
    ("五常市稻香米业有限公司", "五常大米", "稻花香2号", "5公斤/袋", 20000, "袋", "85", "元/袋", ["green_food", "gi"], "active"),
    ("五常市稻香米业有限公司", "大米", "长粒香", "25公斤/袋", 500, "吨", "5.20", "元/公斤", ["green_food"], "active"),
    ("五常市稻香米业有限公司", "稻谷", "稻花香", "含水14.5%以下", 1000, "吨", "3800", "元/吨", [], "active"),
    ("海原县刘大山马铃薯种植户", "海原马铃薯", "青薯9号", "单个150g以上", 100, "吨", "1.10", "元/斤", [], "active"),
    ("海原县刘大山马铃薯种植户", "土豆", "陇薯7号", "统货", 60, "吨", "1600", "元/吨", ["pollution_free"], "active"),
    ("海原县刘大山马铃薯种植户", "洋芋", "", "小薯 50-100g", 20, "吨", "0.60", "元/斤", [], "active"),
    ("海原县刘大山马铃薯种植户", "海原硒砂瓜", "", "单瓜5公斤以上", 40, "吨", "1.20", "元/斤", [], "active"),
    ("海原县刘大山马铃薯种植户", "海原小茴香", "", "干货", 3, "吨", "28", "元/公斤", [], "draft"),
    ("库尔勒香梨产销专业合作社", "库尔勒香梨", "", "特级 单果120g以上", 300, "吨", "7.50", "元/公斤", ["gi"], "active"),
    ("库尔勒香梨产销专业合作社", "库尔勒香梨", "", "一级 10斤/箱", 5000, "箱", "55", "元/箱", ["gi"], "active"),
    ("库尔勒香梨产销专业合作社", "香梨", "", "统货", 100, "吨", "4.00", "元/公斤", [], "sold_out"),
    ("西吉县将台马铃薯专业合作社", "西吉马铃薯", "青薯9号", "中薯 100-250g", 500, "吨", "1500", "元/吨", ["gi"], "active"),
    ("西吉县将台马铃薯专业合作社", "马铃薯", "冀张薯12号", "统货", 300, "吨", "0.70", "元/斤", [], "active"),
    ("西吉县将台马铃薯专业合作社", "马铃薯淀粉", "", "25公斤/袋", 50, "吨", "7800", "元/吨", [], "active"),
    ("西吉县将台马铃薯专业合作社", "西吉西芹", "", "每捆5斤", 30, "吨", "1.50", "元/斤", [], "active"),
    ("盐池县滩羊家庭牧场", "盐池滩羊肉", "", "分割冷鲜", 5000, "公斤", "88", "元/公斤", ["gi"], "active"),
    ("盐池县滩羊家庭牧场", "滩羊", "", "活羊 40公斤左右", 300, "只", "1800", "元/只", [], "active"),
    ("盐池县滩羊家庭牧场", "盐池滩鸡蛋", "", "30枚/盒", 2000, "盒", "45", "元/盒", [], "active"),
    ("盐池县滩羊家庭牧场", "盐池黄花菜", "", "干品", 2, "吨", "60", "元/公斤", [], "active"),
    ("静宁县金果苹果有限公司", "静宁苹果", "红富士", "80mm以上", 400, "吨", "4.20", "元/斤", ["green_food"], "active"),
    ("静宁县金果苹果有限公司", "苹果", "花牛", "75mm以上", 200, "吨", "3.20", "元/斤", ["green_food"], "active"),
    ("静宁县金果苹果有限公司", "红富士苹果", "", "10斤/箱", 8000, "箱", "50", "元/箱", [], "active"),
    ("安溪县铁观音茶叶专业合作社", "安溪铁观音", "清香型", "特级", 2000, "公斤", "600", "元/公斤", ["gi"], "active"),
    ("安溪县铁观音茶叶专业合作社", "安溪铁观音", "浓香型", "一级", 3000, "公斤", "380", "元/公斤", ["gi"], "active"),
    ("安溪县铁观音茶叶专业合作社", "乌龙茶", "本山", "二级", 1000, "公斤", "160", "元/公斤", [], "active"),
    ("金乡县蒜都大蒜专业合作社", "金乡大蒜", "白皮蒜", "5.5cm以上", 800, "吨", "3.60", "元/斤", ["pollution_free"], "active"),
    ("金乡县蒜都大蒜专业合作社", "金乡大蒜", "紫皮蒜", "5.0cm以上", 500, "吨", "3.20", "元/斤", ["pollution_free"], "active"),
    ("金乡县蒜都大蒜专业合作社", "蒜薹", "", "统货", 100, "吨", "2.80", "元/斤", [], "active"),
    ("金乡县蒜都大蒜专业合作社", "大蒜", "杂交蒜", "混级", 300, "吨", None, "元/斤", [], "active"),
]


def _profiles() -> tuple[dict, int]:
    from accounts.services import find_by_email

    by_name, added = {}, 0
    for email, kind, name, county, contact, certs in PRODUCERS:
        profile = db.session.scalar(sa.select(ProducerProfile).where(ProducerProfile.name == name))
        user = find_by_email(email) if email else None
        if profile is None:
            profile = ProducerProfile(kind=kind, name=name, county_code=county, contact_name=contact,
                                      contact_phone="0797-0000000", address=f"{county} 示范基地",
                                      introduction=f"{name}，产地直供，欢迎采购商实地或视频看货。")
            db.session.add(profile)
            db.session.flush()
            for cert_kind, number in certs:
                db.session.add(ProducerCertification(producer_id=profile.id, kind=cert_kind, number=number,
                                                     expires_on=date(2028, 12, 31)))
            added += 1
        if user is not None and not db.session.scalar(
                sa.select(ProducerMember).where(ProducerMember.user_id == user.id)):
            db.session.add(ProducerMember(producer_id=profile.id, user_id=user.id, role="owner"))
        by_name[name] = profile
    db.session.flush()
    return by_name, added


def _listing_values(profile, row) -> dict:
    _name, product, variety, spec, quantity, unit, price, price_unit, certs, status = row
    today = date.today()
    return {"product": product, "variety": variety, "spec": spec, "quantity": str(quantity), "unit": unit,
            "price": price, "price_unit": price_unit, "min_order": "",
            "available_from": today - timedelta(days=10), "available_to": today + timedelta(days=90),
            "county_code": profile.county_code, "certifications": certs, "description": "",
            "status": status}


def _listings(profiles: dict) -> int:
    from produce.catalogue import get_catalogue
    from produce.services import apply_fields
    from produce.validation import clean_listing

    catalogue, added = get_catalogue(), 0
    for row in LISTINGS:
        profile = profiles[row[0]]
        exists = db.session.scalar(sa.select(Listing.id).where(
            Listing.producer_id == profile.id, Listing.product_name == row[1], Listing.variety == row[2],
            Listing.spec == row[3]))
        if exists:
            continue
        values = _listing_values(profile, row)
        clean, errors = clean_listing(values, held=None)
        if errors:
            raise ValueError(f"demo listing {row[1]}: {errors}")
        listing = Listing(producer_id=profile.id, status=values["status"])
        apply_fields(listing, clean, catalogue)
        db.session.add(listing)
        added += 1
    return added


def load() -> list[str]:
    from produce.catalogue_services import load_catalogue

    catalogue = load_catalogue()
    profiles, added_profiles = _profiles()
    added_listings = _listings(profiles)
    db.session.commit()
    return [f"catalogue: {catalogue['products']} products and {catalogue['aliases']} aliases added",
            f"producers: {added_profiles} added, {len(PRODUCERS) - added_profiles} already there",
            f"listings: {added_listings} added, {len(LISTINGS) - added_listings} already there"]
