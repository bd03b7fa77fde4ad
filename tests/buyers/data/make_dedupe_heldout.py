"""Builds dedupe_heldout.jsonl: hand-written buyer pairs held out from tuning the de-duplication rules.

Written before the rules of issue #4 were tuned, and never used to tune them: the figures on this set are
reported separately, as an estimate of how the rules do on names nobody tuned them for. Unlike
make_dedupe_pairs.py (random brand x trade x form names), every pair here is written by hand, with real
county codes and the hard kinds seen in buyer lists: branches (分公司) written differently, brand vs legal
name, credit codes with spaces or lower case, full-width forms, typos, co-operatives, pinyin/English names,
the same trade name in another province, city or county, similar names in one city, one shared phone.

Same format as dedupe_pairs.jsonl: {"pair", "kind", "same", "a", "b"}; phones and credit codes are derived
from a serial number so that they are valid and distinct unless a pair shares them on purpose. Run from the
repository root:  .venv/bin/python tests/buyers/data/make_dedupe_heldout.py

Correction after the first measurement (labels, not rules): four pairs had reused another pair's company
(the same name, county and contact), so the import rightly linked them to that other pair's record and the
pairwise score counted a false alarm; their trade names now differ (丰茂, 家家悦, 鑫农, 秦脆).
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from buyers.credit_code import complete  # noqa: E402

_serial = [0]


def phone() -> str:
    _serial[0] += 1
    return f"13{(_serial[0] * 7919) % 10:d}{(_serial[0] * 104729 + 3571) % 10**8:08d}"


def code(county: str) -> str:
    _serial[0] += 1
    return complete(f"91{county}MA{_serial[0] * 37 % 10**7:07d}")


def rec(name, county, address="", phones=(), contact="", credit=""):
    return {"name": name, "credit_code": credit, "county_code": county, "address": address,
            "phones": list(phones), "contact_name": contact}


def positives() -> list:
    out = []

    def add(kind, a, b):
        out.append((kind, True, a, b))

    # a branch (分公司) written with and without the parent's legal form or region
    p = phone()
    add("renamed_branch", rec("永辉超市股份有限公司重庆渝北分公司", "500112", "重庆市渝北区龙溪街道松石北路88号", [p], "周建华"),
        rec("永辉超市重庆渝北分公司", "500112", "", [p]))
    p = phone()
    add("renamed_branch", rec("北京物美商业集团股份有限公司大兴分公司", "110115", "北京市大兴区兴华大街三段16号", [p], "刘红"),
        rec("物美商业集团（大兴）分公司", "110115", "北京市大兴区兴华大街三段16号", [p]))
    add("renamed_branch", rec("中百仓储超市有限公司武汉洪山分公司", "420111", "湖北省武汉市洪山区珞喻路456号", [phone()], "陈立"),
        rec("中百仓储洪山分公司", "420111", "湖北省武汉市洪山区珞喻路456号", [], ""))
    p = phone()
    add("renamed_branch", rec("步步高商业连锁股份有限公司长沙开福分公司", "430105", "湖南省长沙市开福区芙蓉中路一段99号", [p], "谭小兵"),
        rec("步步高商业连锁（长沙开福）分公司", "430105", "", [p]))
    add("renamed_branch", rec("华润万家生活超市（广州）有限公司天河分公司", "440106", "广东省广州市天河区天河路208号", [phone()], "梁志"),
        rec("华润万家生活超市(广州)有限公司天河分公司", "440106", "广州市天河区天河路208号", [], ""))
    p = phone()
    add("renamed_branch", rec("上海盒马网络科技有限公司南京江宁分公司", "320115", "江苏省南京市江宁区双龙大道1222号", [p], "吴敏"),
        rec("上海盒马网络科技有限公司（南京江宁）分公司", "320115", "", [p]))

    # a renamed or re-registered company keeps its credit code (written with spaces, lower case, full width)
    c = code("360702")
    add("credit_code", rec("赣州市章贡区绿源农产品有限公司", "360702", "江西省赣州市章贡区红旗大道32号", [phone()], "钟华", c),
        rec("赣州绿源供应链管理有限公司", "360702", "", [phone()], "", c))
    c = code("410105")
    add("credit_code", rec("郑州金穗粮油贸易有限公司", "410105", "河南省郑州市金水区农业路东段19号", [phone()], "李国强", c),
        rec("河南金穗农业科技有限公司", "410105", "", [], "", c))
    c = code("530112")
    add("credit_code", rec("昆明滇红茶叶商贸有限公司", "530112", "云南省昆明市西山区滇池路1101号", [phone()], "杨丽", c),
        rec("云南滇红茶业集团有限公司", "530112", "", [phone()], "", c))
    c = code("370783")
    add("credit_code", rec("寿光蔬菜产业集团有限公司", "370783", "山东省潍坊市寿光市农圣街1号", [phone()], "王建", c),
        rec("寿光市蔬菜产业控股集团有限公司", "370783", "", [], "", c.lower()))
    c = code("230184")
    add("credit_code", rec("五常市稻香米业有限公司", "230184", "黑龙江省哈尔滨市五常市长山乡", [phone()], "孙立波", c),
        rec("五常稻香米业有限责任公司", "230184", "", [phone()], "", f"{c[:4]} {c[4:10]} {c[10:]}"))
    c = code("620123")
    add("credit_code", rec("兰州高原夏菜产销有限公司", "620123", "甘肃省兰州市榆中县城关镇栖云北路5号", [phone()], "马福", c),
        rec("甘肃高原夏菜供应链有限公司", "620123", "", [], "", c.translate({ord(ch): ord(ch) + 0xFEE0 for ch in "0123456789"})))
    c = code("360732")
    add("credit_code", rec("江西绿源农业发展有限公司", "360732", "江西省赣州市兴国县潋江镇将军大道88号", [phone()], "钟明", c),
        rec("Jiangxi Lvyuan Agricultural Development Co., Ltd.", "360732", "", [], "", c))

    # brackets, full-width forms, a bracketed region
    p = phone()
    add("brackets", rec("绿野农业发展（湖南）有限公司", "430104", "湖南省长沙市岳麓区麓谷大道627号", [p], "彭军"),
        rec("湖南绿野农业发展有限公司", "430104", "", [p]))
    add("brackets", rec("贵州山珍食品有限公司", "520102", "贵州省贵阳市南明区花果园大街9号", [phone()], "罗晓"),
        rec("山珍食品（贵州）有限公司", "520102", "贵州省贵阳市南明区花果园大街9号", [], ""))
    p = phone()
    add("brackets", rec("合肥市丰乐果蔬配送有限公司", "340104", "安徽省合肥市蜀山区长江西路501号", [p], "胡斌"),
        rec("丰乐果蔬配送(合肥)有限公司", "340104", "", [p]))
    p = phone()
    add("brackets", rec("Ｕ选生鲜超市有限公司", "320102", "江苏省南京市玄武区中山路18号", [p], "许静"),
        rec("U选生鲜超市有限公司", "320102", "", [p]))
    p = phone()
    add("brackets", rec("乌鲁木齐天山果业有限公司", "650102", "新疆乌鲁木齐市天山区解放南路66号", [p], "阿不都"),
        rec("天山果业有限公司（新疆）", "650102", "", [p]))
    p = phone()
    add("brackets", rec("延边朝鲜族自治州长白山珍品有限公司", "220104", "吉林省长春市朝阳区人民大街3000号", [p], "金哲"),
        rec("长白山珍品有限公司（延边）", "220104", "", [p]))

    # typos: one character written wrongly (homophone, similar shape, the legal form), same phone or address
    p = phone()
    add("typo", rec("徐州汇丰果品批发有限公司", "320312", "江苏省徐州市铜山区果品大市场A12号", [p], "韩涛"),
        rec("徐州惠丰果品批发有限公司", "320312", "", [p]))
    p = phone()
    add("typo", rec("石家庄润泽农副产品有限公司", "130102", "河北省石家庄市长安区建设北大街77号", [p], "赵磊"),
        rec("石家庄闰泽农副产品有限公司", "130102", "", [p]))
    p = phone()
    add("typo", rec("太原晋味食品有限公司", "140105", "山西省太原市小店区长风街112号", [p], "郭亮"),
        rec("太原晋味食品有线公司", "140105", "", [p]))
    add("typo", rec("兰州榆中夏菜配送有限公司", "620123", "甘肃省兰州市榆中县和平镇夏菜市场8号", [phone()], "马强"),
        rec("兰州榆中夏莱配送有限公司", "620123", "甘肃省兰州市榆中县和平镇夏菜市场8号", [], ""))
    p = phone()
    add("typo", rec("长春鑫盛源商贸有限公司", "220102", "吉林省长春市南关区亚泰大街21号", [p], "张宇"),
        rec("长春鑫胜源商贸有限公司", "220102", "", [p]))
    p = phone()
    add("typo", rec("肥西县丰茂农产品有限公司", "340123", "安徽省合肥市肥西县上派镇新华路3号", [p], "王芳"),
        rec("肥西县丰贸农产品有限公司", "340123", "", [p], "王芳"))

    # region prefixes written differently (province, city, county; "红河州"), same phone or address
    add("region_prefix", rec("宿州砀山梨园果业有限公司", "341321", "安徽省宿州市砀山县梨都大道12号", [phone()], "刘伟"),
        rec("砀山梨园果业有限公司", "341321", "安徽省宿州市砀山县梨都大道12号", [], ""))
    p = phone()
    add("region_prefix", rec("江西省赣州市兴国县富硒蔬菜专业合作社", "360732", "江西省赣州市兴国县高兴镇", [p], "钟长生"),
        rec("兴国县富硒蔬菜农民专业合作社", "360732", "", [p]))
    add("region_prefix", rec("湖北省宜昌市秭归县屈乡脐橙专业合作社", "420527", "湖北省宜昌市秭归县茅坪镇屈乡路6号", [phone()], "向东"),
        rec("秭归屈乡脐橙农民专业合作社", "420527", "湖北省宜昌市秭归县茅坪镇屈乡路6号", [], ""))
    p = phone()
    add("region_prefix", rec("红河州蒙自鑫果石榴有限公司", "532503", "云南省红河州蒙自市新安所镇", [p], "李春"),
        rec("蒙自市鑫果石榴有限公司", "532503", "", [p]))
    p = phone()
    add("region_prefix", rec("北京市顺义区鲜丰农产品配送中心", "110113", "北京市顺义区仁和镇顺康路9号", [p], "高飞"),
        rec("北京鲜丰农产品配送中心", "110113", "", [p]))
    p = phone()
    add("region_prefix", rec("重庆涪陵乌江榨菜销售有限公司", "500102", "重庆市涪陵区江北街道二渡村", [p], "冉刚"),
        rec("涪陵乌江榨菜销售有限公司", "500102", "", [p]))

    # a short name (city or county + trade name) with the same phone or address
    add("short_name", rec("吉安井冈蜜柚商贸有限公司", "360881", "江西省吉安市井冈山市红星街18号", [phone()], "肖勇"),
        rec("吉安井冈蜜柚", "360881", "江西省吉安市井冈山市红星街18号", [], ""))
    p = phone()
    add("short_name", rec("岳阳临湘茶香园茶业有限公司", "430682", "湖南省岳阳市临湘市长安街道茶香路2号", [p], "方敏"),
        rec("临湘茶香园", "430682", "", [p]))
    add("short_name", rec("文山三七之乡药材贸易有限公司", "532601", "云南省文山州文山市三七国际交易市场5栋", [phone()], "陆平"),
        rec("文山三七之乡", "532601", "云南省文山州文山市三七国际交易市场5栋", [], ""))
    p = phone()
    add("short_name", rec("延安洛川红富士果业有限公司", "610629", "陕西省延安市洛川县凤栖镇苹果大道", [p], "屈军"),
        rec("洛川红富士", "610629", "", [p]))
    add("short_name", rec("北京平谷金海湖果品产销有限公司", "110117", "北京市平谷区金海湖镇海湖路1号", [phone()], "田野"),
        rec("金海湖果品", "110117", "北京市平谷区金海湖镇海湖路1号", [], ""))

    # the brand the market knows vs the legal name, same phone and address
    p = phone()
    add("brand_vs_legal", rec("康成投资（中国）有限公司赣州分公司", "360702", "江西省赣州市章贡区长征大道1号", [p], "曾伟"),
        rec("大润发赣州店", "360702", "江西省赣州市章贡区长征大道1号", [p]))
    p = phone()
    add("brand_vs_legal", rec("深圳百果园实业（集团）股份有限公司", "440304", "广东省深圳市福田区梅林路168号", [p], "余晖"),
        rec("百果园", "440304", "广东省深圳市福田区梅林路168号", [p]))
    p = phone()
    add("brand_vs_legal", rec("湖南兴盛优选电子商务有限公司", "430104", "湖南省长沙市岳麓区桐梓坡路229号", [p], "刘芳"),
        rec("兴盛优选", "430104", "", [p]))
    p = phone()
    add("pinyin_name", rec("云南咖啡贸易有限公司", "530112", "云南省昆明市西山区前卫西路20号", [p], "李云"),
        rec("Yunnan Coffee Trading Co., Ltd.", "530112", "", [p]))

    # moved to another district of the city, same phone (and contact)
    p = phone()
    add("moved_same_phone", rec("合肥蜀山绿丰农产品有限公司", "340104", "安徽省合肥市蜀山区黄山路12号", [p], "丁娟"),
        rec("绿丰农产品有限公司", "340123", "安徽省合肥市肥西县桃花镇创新大道5号", [p], "丁娟"))
    p = phone()
    add("moved_same_phone", rec("南京江宁禾丰生鲜配送有限公司", "320115", "江苏省南京市江宁区天元中路50号", [p], "沈亮"),
        rec("南京禾丰生鲜配送有限公司", "320102", "江苏省南京市玄武区龙蟠路9号", [p], "沈亮"))
    p = phone()
    add("legal_form", rec("正定县惠民蔬菜种植专业合作社", "130123", "河北省石家庄市正定县新城铺镇", [p], "赵文"),
        rec("正定惠民蔬菜种植合作社", "130123", "", [p]))
    add("legal_form", rec("广州增城荔枝王果业股份有限公司", "440118", "广东省广州市增城区荔城街挂绿路3号", [phone()], "钟伟"),
        rec("荔枝王果业有限责任公司", "440118", "广东省广州市增城区荔城街挂绿路3号", [], ""))
    return out


def negatives() -> list:
    out = []

    def add(kind, a, b):
        out.append((kind, False, a, b))

    # the same trade name in another province
    add("same_brand_other_province", rec("江西绿源农业发展有限公司", "360732", "江西省赣州市兴国县将军大道88号", [phone()], "钟明"),
        rec("湖南绿源农业发展有限公司", "430181", "湖南省长沙市浏阳市集里街道", [phone()], "罗强"))
    add("same_brand_other_province", rec("绿源农业发展有限公司", "360732", "江西省赣州市兴国县长冈乡", [phone()], "钟良"),
        rec("绿源农业发展有限公司", "530112", "云南省昆明市西山区碧鸡镇", [phone()], "李华"))
    add("same_brand_other_province", rec("河南金穗粮油有限公司", "410122", "河南省郑州市中牟县官渡镇", [phone()], "王伟"),
        rec("安徽金穗粮油有限公司", "340123", "安徽省合肥市肥西县三河镇", [phone()], "陈刚"))
    add("same_brand_other_province", rec("山东寿光鲜达蔬菜有限公司", "370783", "山东省寿光市文圣街", [phone()], "孙涛"),
        rec("河北正定鲜达蔬菜有限公司", "130123", "河北省正定县恒山路", [phone()], "赵平"))
    add("same_brand_other_province", rec("北京顺义惠农果蔬有限公司", "110113", "北京市顺义区空港街道", [phone()], "杨帆"),
        rec("重庆渝北惠农果蔬有限公司", "500112", "重庆市渝北区回兴街道", [phone()], "冉杰"))
    add("same_brand_other_province", rec("贵阳百味餐饮管理有限公司", "520102", "贵州省贵阳市南明区都司路", [phone()], "罗琴"),
        rec("兰州百味餐饮管理有限公司", "620102", "甘肃省兰州市城关区庆阳路", [phone()], "马莉"))
    add("same_brand_other_province", rec("黑龙江五常丰禾米业有限公司", "230184", "黑龙江省五常市五常镇", [phone()], "孙波"),
        rec("吉林长春丰禾米业有限公司", "220104", "吉林省长春市朝阳区西安大路", [phone()], "金明"))
    add("same_brand_other_province", rec("云南宾川优果果业有限公司", "532924", "云南省大理州宾川县金牛镇", [phone()], "段勇"),
        rec("湖北宜都优果果业有限公司", "420581", "湖北省宜都市陆城街道", [phone()], "向阳"))
    add("same_brand_other_province", rec("北京朝阳鲜丰超市有限公司", "110105", "北京市朝阳区建国路88号", [phone()], "高敏"),
        rec("长春朝阳鲜丰超市有限公司", "220104", "吉林省长春市朝阳区红旗街", [phone()], "金鑫"))

    # the same name registered in another city of the province
    add("same_name_other_city", rec("赣州绿源商贸有限公司", "360702", "江西省赣州市章贡区文清路", [phone()], "钟丽"),
        rec("吉安绿源商贸有限公司", "360802", "江西省吉安市吉州区永叔路", [phone()], "肖华"))
    add("same_name_other_city", rec("武汉田园生鲜配送有限公司", "420106", "湖北省武汉市武昌区中南路", [phone()], "陈刚"),
        rec("宜昌田园生鲜配送有限公司", "420581", "湖北省宜昌市宜都市清江大道", [phone()], "向红"))
    add("same_name_other_city", rec("长沙湘味食品有限公司", "430105", "湖南省长沙市开福区湘江中路", [phone()], "彭丽"),
        rec("岳阳湘味食品有限公司", "430682", "湖南省岳阳市临湘市长安路", [phone()], "方勇"))
    add("same_name_other_city", rec("广州丰泽农产品有限公司", "440106", "广东省广州市天河区黄埔大道", [phone()], "梁伟"),
        rec("深圳丰泽农产品有限公司", "440304", "广东省深圳市福田区深南大道", [phone()], "陈洁"))
    add("same_name_other_city", rec("郑州中原果蔬有限公司", "410105", "河南省郑州市金水区花园路", [phone()], "王磊"),
        rec("开封中原果蔬有限公司", "410204", "河南省开封市鼓楼区中山路", [phone()], "李静"))
    add("same_name_other_city", rec("南京鼓楼鲜之源超市有限公司", "320106", "江苏省南京市鼓楼区中山北路", [phone()], "许亮"),
        rec("徐州鼓楼鲜之源超市有限公司", "320302", "江苏省徐州市鼓楼区中山北路", [phone()], "韩梅"))
    add("same_name_other_city", rec("潍坊寿光绿康蔬菜有限公司", "370783", "山东省寿光市圣城街", [phone()], "孙强"),
        rec("烟台莱阳绿康蔬菜有限公司", "370682", "山东省莱阳市旌旗路", [phone()], "王芳"))
    add("same_name_other_city", rec("昆明呈贡七彩云南花卉有限公司", "530114", "云南省昆明市呈贡区斗南花卉市场", [phone()], "杨梅"),
        rec("红河弥勒七彩云南花卉有限公司", "532504", "云南省红河州弥勒市髯翁路", [phone()], "李亮"))

    # the same name with another county of the same city written in front
    add("same_name_other_county", rec("兴国县绿源农产品有限公司", "360732", "江西省赣州市兴国县潋江大道", [phone()], "钟勇"),
        rec("于都县绿源农产品有限公司", "360731", "江西省赣州市于都县贡江大道", [phone()], "刘红"))
    add("same_name_other_county", rec("浏阳市金果商贸有限公司", "430181", "湖南省浏阳市金沙路", [phone()], "罗斌"),
        rec("长沙市岳麓区金果商贸有限公司", "430104", "湖南省长沙市岳麓区枫林路", [phone()], "谭静"))
    add("same_name_other_county", rec("中牟县惠丰蔬菜专业合作社", "410122", "河南省郑州市中牟县韩寺镇", [phone()], "张平"),
        rec("新郑市惠丰蔬菜专业合作社", "410184", "河南省郑州市新郑市龙湖镇", [phone()], "李伟"))
    add("same_name_other_county", rec("栖霞市金苹果果业有限公司", "370686", "山东省烟台市栖霞市庄园路", [phone()], "林涛"),
        rec("莱阳市金苹果果业有限公司", "370682", "山东省烟台市莱阳市鹤山路", [phone()], "王丽"))

    # neighbours in one city with similar trade names
    add("similar_name_same_city", rec("赣州绿源商贸有限公司", "360702", "江西省赣州市章贡区红旗大道", [phone()], "钟强"),
        rec("赣州绿园商贸有限公司", "360702", "江西省赣州市章贡区东阳山路", [phone()], "黄丽"))
    add("similar_name_same_city", rec("武汉鲜达果蔬有限公司", "420102", "湖北省武汉市江岸区解放大道", [phone()], "陈亮"),
        rec("武汉鲜丰果蔬有限公司", "420102", "湖北省武汉市江岸区黄浦大街", [phone()], "李娜"))
    add("similar_name_same_city", rec("长沙湘丰茶业有限公司", "430105", "湖南省长沙市开福区捞刀河", [phone()], "汤军"),
        rec("长沙湘峰茶业有限公司", "430105", "湖南省长沙市开福区青竹湖", [phone()], "周红"))
    add("similar_name_same_city", rec("广州天河百佳超市有限公司", "440106", "广东省广州市天河区石牌东路", [phone()], "梁敏"),
        rec("广州天河佳百超市有限公司", "440106", "广东省广州市天河区龙口西路", [phone()], "何伟"))
    add("similar_name_same_city", rec("贵阳南明山泉食品有限公司", "520102", "贵州省贵阳市南明区油榨街", [phone()], "罗军"),
        rec("贵阳南明山川食品有限公司", "520102", "贵州省贵阳市南明区新华路", [phone()], "王静"))
    add("similar_name_same_city", rec("哈尔滨南岗黑土地米业有限公司", "230103", "黑龙江省哈尔滨市南岗区学府路", [phone()], "孙伟"),
        rec("哈尔滨南岗黑土米业有限公司", "230103", "黑龙江省哈尔滨市南岗区红旗大街", [phone()], "赵丽"))
    add("similar_name_same_city", rec("合肥绿丰农产品有限公司", "340104", "安徽省合肥市蜀山区望江西路", [phone()], "丁勇"),
        rec("合肥绿丰源农产品有限公司", "340104", "安徽省合肥市蜀山区潜山路", [phone()], "胡静"))
    add("similar_name_same_city", rec("石家庄正定康农蔬菜有限公司", "130123", "河北省正定县燕赵南大街", [phone()], "赵强"),
        rec("石家庄正定康农果品有限公司", "130123", "河北省正定县常山西路", [phone()], "李梅"))

    # other branches of one chain, and a parent company vs its branch
    add("other_branch", rec("永辉超市股份有限公司重庆渝北分公司", "500112", "重庆市渝北区松石北路88号", [phone()], "周建华"),
        rec("永辉超市股份有限公司重庆江北分公司", "500105", "重庆市江北区观音桥步行街", [phone()], "李强"))
    add("other_branch", rec("中百仓储超市有限公司武汉洪山分公司", "420111", "湖北省武汉市洪山区珞喻路456号", [phone()], "陈立"),
        rec("中百仓储超市有限公司武汉江岸分公司", "420102", "湖北省武汉市江岸区台北路", [phone()], "吴霞"))
    add("other_branch", rec("北京物美商业集团股份有限公司大兴分公司", "110115", "北京市大兴区兴华大街", [phone()], "刘红"),
        rec("北京物美商业集团股份有限公司顺义分公司", "110113", "北京市顺义区府前街", [phone()], "王军"))
    add("other_branch", rec("华润万家生活超市（广州）有限公司天河分公司", "440106", "广东省广州市天河区天河路208号", [phone()], "梁志"),
        rec("华润万家生活超市（广州）有限公司白云分公司", "440111", "广东省广州市白云区机场路", [phone()], "黄敏"))
    add("other_branch", rec("上海盒马网络科技有限公司南京江宁分公司", "320115", "江苏省南京市江宁区双龙大道", [phone()], "吴敏"),
        rec("上海盒马网络科技有限公司南京玄武分公司", "320102", "江苏省南京市玄武区珠江路", [phone()], "许涛"))
    add("parent_vs_branch", rec("家家悦集团股份有限公司", "371002", "山东省威海市环翠区昆明路", [phone()], "王东"),
        rec("家家悦集团股份有限公司威海环翠分公司", "371002", "山东省威海市环翠区新威路", [phone()], "于波"))

    # similar names, both with credit codes that differ
    add("different_codes", rec("寿光蔬菜产业集团有限公司", "370783", "山东省寿光市农圣街1号", [phone()], "王建", code("370783")),
        rec("寿光蔬菜产业有限公司", "370783", "山东省寿光市文家街道", [phone()], "刘洋", code("370783")))
    add("different_codes", rec("滕州市马铃薯产业有限公司", "370481", "山东省滕州市界河镇", [phone()], "张明", code("370481")),
        rec("滕州马铃薯产业发展有限公司", "370481", "山东省滕州市龙阳镇", [phone()], "李勇", code("370481")))
    add("different_codes", rec("吉首市湘西山货电子商务有限公司", "433101", "湖南省吉首市人民北路", [phone()], "向华", code("433101")),
        rec("凤凰县湘西山货电子商务有限公司", "433123", "湖南省凤凰县沱江镇", [phone()], "田丽", code("433123")))
    add("different_codes", rec("麻阳苗族自治县冰糖橙专业合作社", "431226", "湖南省麻阳县高村镇", [phone()], "滕勇", code("431226")),
        rec("麻阳冰糖橙产业有限公司", "431226", "湖南省麻阳县锦和镇", [phone()], "舒敏", code("431226")))
    add("different_codes", rec("淄博淄川鑫源食品有限公司", "370302", "山东省淄博市淄川区松龄路", [phone()], "孙亮", code("370302")),
        rec("淄博淄川鑫源食品加工有限公司", "370302", "山东省淄博市淄川区般阳路", [phone()], "王红", code("370302")))

    # a co-operative and a company with one trade name in one county
    add("coop_vs_company", rec("兴国县鑫农农民专业合作社", "360732", "江西省兴国县埠头乡", [phone()], "钟福"),
        rec("兴国县鑫农农业发展有限公司", "360732", "江西省兴国县潋江镇", [phone()], "钟伟"))
    add("coop_vs_company", rec("洛川县秦脆苹果专业合作社", "610629", "陕西省洛川县旧县镇", [phone()], "屈强"),
        rec("洛川县秦脆果业有限公司", "610629", "陕西省洛川县凤栖镇", [phone()], "李军"))

    # one phone for two companies (a market office, an accounting agent)
    p = phone()
    add("shared_phone", rec("寿光农产品物流园丰收蔬菜有限公司", "370783", "山东省寿光市农产品物流园A区", [p], "王丰"),
        rec("寿光农产品物流园鑫达果品有限公司", "370783", "山东省寿光市农产品物流园A区", [p], "王丰"))
    p = phone()
    add("shared_phone", rec("库尔勒金丰果业有限公司", "652801", "新疆库尔勒市人民东路", [p], "艾力"),
        rec("库尔勒银丰果业有限公司", "652801", "新疆库尔勒市建设路", [p], "艾力"))
    add("english_other_city", rec("Guangzhou Fresh Harvest Trading Co., Ltd.", "440106", "Tianhe Road 1, Guangzhou", [phone()], "Chen"),
        rec("Shenzhen Fresh Harvest Trading Co., Ltd.", "440304", "Shennan Road 9, Shenzhen", [phone()], "Liang"))
    return out


def write(pairs: list, filename: str) -> None:
    """One JSON line a pair, next to this script."""
    path = Path(__file__).with_name(filename)
    with path.open("w", encoding="utf-8") as handle:
        for index, (kind, same, a, b) in enumerate(pairs):
            handle.write(json.dumps({"pair": index, "kind": kind, "same": same, "a": a, "b": b},
                                    ensure_ascii=False) + "\n")
    print(f"{len(pairs)} pairs ({sum(p[1] for p in pairs)} same, {sum(not p[1] for p in pairs)} different) -> {path}")


def main() -> None:
    write(positives() + negatives(), "dedupe_heldout.jsonl")


if __name__ == "__main__":
    main()
