"""Demo data: accounts for every role here, then each package's own demo set (<package>/demo.py).

Every loader is idempotent: it looks records up by a natural key before it adds them.
"""
from core.db import db
from core.packages import feature_modules

DEMO_PASSWORD = "harvest-demo-2026"  # noqa: S105 (published in the README for the demo)
DEMO_USERS = [
    # email, role, display name, producer kind, region
    ("admin@demo.harvestlink.cn", "admin", "平台管理员", None, None),
    ("official.jiangxi@demo.harvestlink.cn", "official", "江西省商务厅 李明", None, "360000"),
    ("official.ganzhou@demo.harvestlink.cn", "official", "赣州市商务局 王芳", None, "360700"),
    ("official.xingguo@demo.harvestlink.cn", "official", "兴国县商务局 陈刚", None, "360732"),
    ("official.hubei@demo.harvestlink.cn", "official", "湖北省商务厅 赵强", None, "420000"),
    ("farmer@demo.harvestlink.cn", "producer", "刘大山", "farmer", None),
    ("coop@demo.harvestlink.cn", "producer", "兴国县富民脐橙专业合作社", "cooperative", None),
    ("familyfarm@demo.harvestlink.cn", "producer", "眉县秦岭猕猴桃家庭农场", "family_farm", None),
    ("enterprise@demo.harvestlink.cn", "producer", "五常市稻香米业有限公司", "enterprise", None),
    ("buyer@demo.harvestlink.cn", "buyer", "深圳鲜达生鲜供应链 采购部", None, None),
]


def load_users() -> list[str]:
    from accounts.services import create_user, find_by_email

    added = []
    for email, role, name, kind, region in DEMO_USERS:
        if find_by_email(email) is None:
            create_user(email, DEMO_PASSWORD, role, display_name=name, producer_kind=kind, region_code=region)
            added.append(email)
    db.session.commit()
    return [f"users: {len(added)} added, {len(DEMO_USERS) - len(added)} already there"]


def load_demo() -> list[str]:
    report = load_users()
    for module in feature_modules("demo", include_core=False):
        report.extend(module.load())
        db.session.commit()
    return report
