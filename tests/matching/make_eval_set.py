"""Writes eval_set.json: the hand-labelled demand -> listing judgements of the matching
evaluation (tests/matching/test_eval.py). The labels below were written by hand, one per
listing of each case, without running the matcher: 2 = exactly what the buyer asked for
(variety / GI name), 1 = relevant (same product, any synonym or spelling), 0 = not relevant
(false friend, other product, or a hard constraint the listing breaks).

Each case gets its own date window, so listings of one case cannot serve another case's
demand (the window itself is tested by the date cases). Regenerate with:
    /work/devenv/bin/python tests/matching/make_eval_set.py
"""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

CASES = []


def case(topic, demand, listings):
    CASES.append((topic, demand, listings))


def L(product, label, **kw):
    return {"product": product, "label": label, **kw}


# --- synonyms and regional names
case("synonym", {"product": "土豆"}, [L("马铃薯", 1), L("洋芋", 1), L("山药蛋", 1), L("土豆", 1), L("荷兰薯", 1),
                                     L("山药", 0), L("红薯", 0), L("芋头", 0), L("马铃薯淀粉", 0)])
case("synonym", {"product": "西红柿"}, [L("番茄", 1), L("西红柿", 1), L("洋柿子", 1), L("粉番茄", 1),
                                      L("柿子", 0), L("甜柿", 0), L("圣女果", 0)])
case("synonym", {"product": "地瓜"}, [L("红薯", 1), L("甘薯", 1), L("番薯", 1), L("红苕", 1), L("紫薯", 1),
                                    L("马铃薯", 0), L("红薯粉条", 0)])
case("synonym", {"product": "玉米"}, [L("苞谷", 1), L("包谷", 1), L("玉米", 1), L("苞米", 1),
                                    L("玉米油", 0), L("玉米淀粉", 0), L("大米", 0)])
case("synonym", {"product": "大闸蟹"}, [L("河蟹", 1), L("中华绒螯蟹", 1), L("阳澄湖大闸蟹", 2),
                                     L("梭子蟹", 0), L("青蟹", 0)])
case("synonym", {"product": "小龙虾"}, [L("龙虾", 1), L("克氏原螯虾", 1), L("盱眙龙虾", 1),
                                     L("澳洲龙虾", 0), L("虾米", 0), L("青虾", 0)])
case("synonym", {"product": "黑木耳"}, [L("木耳", 1), L("黑木耳", 1), L("东北黑木耳", 1),
                                     L("银耳", 0), L("白木耳", 0), L("木耳菜", 0)])
case("synonym", {"product": "红枣"}, [L("大枣", 1), L("骏枣", 1), L("若羌红枣", 1), L("灰枣", 1),
                                    L("冬枣", 0), L("青枣", 0)])
case("synonym", {"product": "大蒜"}, [L("大蒜", 1), L("蒜头", 1), L("独头蒜", 1), L("金乡大蒜", 1),
                                    L("蒜薹", 0), L("蒜苗", 0)])
case("synonym", {"product": "鸡蛋"}, [L("土鸡蛋", 1), L("柴鸡蛋", 1), L("草鸡蛋", 1),
                                    L("鸭蛋", 0), L("咸鸭蛋", 0), L("皮蛋", 0), L("鹌鹑蛋", 0)])
case("synonym", {"product": "枸杞"}, [L("宁夏枸杞", 1), L("枸杞子", 1), L("黑枸杞", 1), L("中宁枸杞", 1),
                                    L("黄芪", 0)])
case("synonym", {"product": "茶油"}, [L("山茶油", 1), L("茶籽油", 1), L("野山茶油", 1),
                                    L("油茶籽", 0), L("菜籽油", 0)])
case("synonym", {"product": "洋葱"}, [L("圆葱", 1), L("葱头", 1), L("紫皮洋葱", 1),
                                    L("大葱", 0), L("小葱", 0)])
case("synonym", {"product": "香菜"}, [L("芫荽", 1), L("香菜", 1), L("芹菜", 0), L("菠菜", 0)])
case("synonym", {"product": "花椒"}, [L("大红袍花椒", 1), L("青花椒", 1), L("汉源花椒", 1),
                                    L("辣椒", 0), L("青椒", 0)])
case("synonym", {"product": "柿子"}, [L("柿子", 1), L("甜柿", 1), L("火晶柿子", 1),
                                    L("西红柿", 0), L("柿饼", 0)])
case("synonym", {"product": "粉条"}, [L("粉条", 1), L("红薯粉条", 1), L("粉丝", 1), L("红薯", 0)])
case("synonym", {"product": "包菜"}, [L("卷心菜", 1), L("圆白菜", 1), L("莲花白", 1), L("甘蓝", 1),
                                    L("大白菜", 0), L("紫甘蓝", 0)])
case("synonym", {"product": "芭乐"}, [L("番石榴", 1), L("芭乐", 1), L("石榴", 0), L("软籽石榴", 0)])
case("synonym", {"product": "荸荠"}, [L("马蹄", 1), L("荸荠", 1), L("地栗", 1), L("莲藕", 0)])
case("synonym", {"product": "花鲢"}, [L("鳙鱼", 1), L("胖头鱼", 1), L("大头鱼", 1), L("白鲢", 0), L("鲢鱼", 0)])
case("synonym", {"product": "淡菜"}, [L("贻贝", 1), L("青口", 1), L("海虹", 1), L("扇贝", 0)])
# --- false friends
case("false friend", {"product": "田鸡"}, [L("牛蛙", 1), L("田鸡", 1), L("土鸡", 0), L("乌鸡", 0)])
case("false friend", {"product": "木耳菜"}, [L("落葵", 1), L("木耳菜", 1), L("木耳", 0), L("黑木耳", 0)])
case("false friend", {"product": "番石榴"}, [L("芭乐", 1), L("番石榴", 1), L("石榴", 0)])
case("false friend", {"product": "苹果"}, [L("红富士苹果", 1), L("烟台苹果", 1), L("苹果", 1), L("蛇果", 1),
                                         L("延边苹果梨", 0), L("苹果干", 0), L("苹果汁", 0)])
case("false friend", {"product": "梨"}, [L("苹果梨", 1), L("库尔勒香梨", 1), L("砀山酥梨", 1),
                                       L("凤梨", 0), L("鳄梨", 0), L("苹果", 0)])
case("false friend", {"product": "菠萝"}, [L("菠萝", 1), L("凤梨", 1), L("香水菠萝", 1),
                                         L("菠萝蜜", 0), L("木菠萝", 0)])
case("false friend", {"product": "菠萝蜜"}, [L("菠萝蜜", 1), L("木菠萝", 1), L("波罗蜜", 1),
                                          L("菠萝", 0), L("蜂蜜", 0)])
case("false friend", {"product": "山核桃"}, [L("山核桃", 1), L("临安山核桃", 1), L("小核桃", 1),
                                          L("核桃", 0), L("核桃仁", 0), L("碧根果", 0)])
case("false friend", {"product": "核桃"}, [L("核桃", 1), L("薄皮核桃", 1), L("胡桃", 1),
                                         L("山核桃", 0), L("核桃油", 0)])
case("false friend", {"product": "花生"}, [L("花生", 1), L("花生米", 1), L("四粒红花生", 1),
                                         L("花生油", 0), L("花生酱", 0)])
case("false friend", {"product": "花生油"}, [L("花生油", 1), L("压榨花生油", 1),
                                          L("花生", 0), L("花生酱", 0), L("芝麻油", 0)])
case("false friend", {"product": "山药"}, [L("铁棍山药", 1), L("淮山", 1), L("怀山药", 1),
                                         L("山药蛋", 0), L("土豆", 0)])
# --- traditional characters
case("traditional", {"product": "蘋果"}, [L("苹果", 1), L("红富士", 1), L("蘋果", 1), L("梨", 0)])
case("traditional", {"product": "獼猴桃"}, [L("猕猴桃", 1), L("奇异果", 1), L("眉县猕猴桃", 1), L("桃", 0)])
case("traditional", {"product": "香菇"}, [L("香菇", 1), L("花菇", 1), L("乾香菇", 1), L("金針菇", 0)])
case("traditional", {"product": "鳳梨"}, [L("菠萝", 1), L("鳳梨", 1), L("菠蘿蜜", 0)])
# --- pinyin, initials, English
case("pinyin", {"product": "pingguo"}, [L("苹果", 1), L("红富士苹果", 1), L("葡萄", 0), L("苹果梨", 0)])
case("pinyin", {"product": "tu dou"}, [L("马铃薯", 1), L("土豆", 1), L("红薯", 0)])
case("initials", {"product": "mht"}, [L("猕猴桃", 1), L("奇异果", 1), L("核桃", 0), L("毛桃", 0)])
case("english", {"product": "tangerine"}, [L("橘子", 1), L("蜜桔", 1), L("柑橘", 1), L("脐橙", 0), L("柚子", 0)])
case("pinyin", {"product": "xiangjiao"}, [L("香蕉", 1), L("皇帝蕉", 1), L("芭蕉", 0), L("香蕉片", 0)])
case("english", {"product": "kiwifruit"}, [L("猕猴桃", 1), L("奇异果", 1), L("桃子", 0)])
case("english", {"product": "potato"}, [L("土豆", 1), L("洋芋", 1), L("红薯", 0)])
case("english", {"product": "Sweet Potato"}, [L("红薯", 1), L("地瓜", 1), L("土豆", 0)])
case("english", {"product": "napa cabbage"}, [L("大白菜", 1), L("黄芽白", 1), L("小白菜", 0), L("圆白菜", 0)])
# --- typos
case("typo", {"product": "弥猴桃"}, [L("猕猴桃", 1), L("奇异果", 1), L("桃", 0), L("油桃", 0)])
case("typo", {"product": "猕猴桃"}, [L("弥猴桃", 1), L("猕猴桃", 1), L("猕候桃", 1), L("水蜜桃", 0)])
case("typo", {"product": "香姑"}, [L("香菇", 1), L("花菇", 1), L("平菇", 0)])
case("typo", {"product": "平果"}, [L("苹果", 1), L("红富士苹果", 1), L("苹果梨", 0)])
# --- varieties and geographical-indication names
case("GI", {"product": "赣南脐橙"}, [L("赣南脐橙", 2), L("脐橙", 1, county_code="360732"), L("纽荷尔脐橙", 1),
                                    L("冰糖橙", 0), L("赣南脐橙", 0, price=9, price_unit="元/斤")])
case("GI", {"product": "五常大米"}, [L("五常大米", 2), L("五常稻花香大米", 2), L("东北大米", 1), L("大米", 1),
                                   L("糯米", 0), L("小米", 0)])
case("GI", {"product": "烟台苹果"}, [L("烟台苹果", 2), L("烟台红富士苹果", 2), L("苹果", 1), L("延边苹果梨", 0)])
case("GI", {"product": "库尔勒香梨"}, [L("库尔勒香梨", 2), L("香梨", 1), L("梨", 1), L("凤梨", 0)])
case("GI", {"product": "眉县猕猴桃", "variety": "徐香"},
     [L("猕猴桃", 2, variety="徐香"), L("眉县猕猴桃", 2, variety="徐香"), L("猕猴桃", 1, variety="海沃德"),
      L("奇异果", 1), L("猴头菇", 0)])
case("variety", {"product": "葡萄", "variety": "阳光玫瑰"},
     [L("葡萄", 2, variety="阳光玫瑰"), L("阳光玫瑰葡萄", 2), L("葡萄", 1, variety="巨峰"), L("葡萄干", 0)])
case("GI", {"product": "西吉马铃薯"}, [L("西吉马铃薯", 2), L("马铃薯", 1), L("洋芋", 1), L("红薯", 0)])
# --- unit conversions in price ceilings
case("price units", {"product": "苹果", "price_max": 6, "price_unit": "元/公斤"},
     [L("苹果", 1, price=2.8, price_unit="元/斤"), L("苹果", 0, price=3.2, price_unit="元/斤"),
      L("苹果", 1, price=5.5, price_unit="元/公斤"), L("苹果", 0, price=6500, price_unit="元/吨"),
      L("苹果", 1, price=5000, price_unit="元/吨"),
      L("苹果", 1, price=50, price_unit="元/箱", unit="箱", quantity=500, spec="10公斤/箱"),
      L("苹果", 0, price=70, price_unit="元/箱", unit="箱", quantity=500, spec="10公斤/箱"),
      L("苹果", 1, price=None)])
case("price units", {"product": "大白菜", "price_max": 3, "price_unit": "元/斤"},
     [L("大白菜", 1, price=5, price_unit="元/公斤"), L("大白菜", 0, price=7, price_unit="元/公斤"),
      L("大白菜", 1, price=2.9, price_unit="元/斤"), L("大白菜", 1, price=3000, price_unit="元/吨"),
      L("大白菜", 0, price=3.5, price_unit="元/斤")])
case("price units", {"product": "土鸡", "unit": "只", "quantity_min": 100, "quantity_max": 500,
                     "price_max": 80, "price_unit": "元/只"},
     [L("土鸡", 1, unit="只", quantity=300, price=60, price_unit="元/只"),
      L("土鸡", 0, unit="只", quantity=300, price=90, price_unit="元/只"),
      L("乌鸡", 1, unit="只", quantity=300, price=70, price_unit="元/只"), L("鸡蛋", 0)])
case("min order", {"product": "鸡蛋", "quantity_min": 100, "quantity_max": 500},
     [L("鸡蛋", 0, min_order=2, unit="吨", quantity=10), L("鸡蛋", 1, min_order=400),
      L("鸡蛋", 1, min_order=1000, unit="斤", quantity=20000), L("鸡蛋", 0, min_order=600),
      L("鸡蛋", 1, quantity=80)])
# --- certifications
case("certification", {"product": "大米", "required_certifications": ["organic"]},
     [L("大米", 1, certifications=["organic"]), L("大米", 0, certifications=["green_food"]),
      L("大米", 1, certifications=["organic", "gi"]), L("大米", 0), L("糙米", 0, certifications=["organic"])])
case("certification", {"product": "绿茶", "required_certifications": ["green_food", "gi"]},
     [L("绿茶", 1, certifications=["green_food", "gi"]), L("绿茶", 0, certifications=["green_food"]),
      L("绿茶", 0, certifications=["gi"]), L("炒青绿茶", 1, certifications=["gi", "green_food", "organic"])])
# --- date windows (offsets in days from the case's own window start; demand needs days 0..19)
case("dates", {"product": "西瓜"},
     [L("西瓜", 1, window=(-10, 4)), L("西瓜", 1, window=(10, 60)), L("西瓜", 0, window=(30, 60)),
      L("西瓜", 0, window=(-60, -1)), L("麒麟瓜", 1, window=(0, 19)), L("西瓜", 0, window=(20, 40))])
case("dates", {"product": "荔枝"},
     [L("荔枝", 1, window=(5, 6)), L("妃子笑", 1, window=(0, 30)), L("荔枝", 0, window=(25, 50)),
      L("龙眼", 0, window=(0, 19))])


def build() -> dict:
    base = date(2031, 1, 1)
    demands, listings, judgements = [], [], []
    for n, (topic, demand, items) in enumerate(CASES):
        start = base + timedelta(days=40 * n)
        d = {"id": f"D{n:03d}", "quantity_min": 1000, "quantity_max": 5000, "unit": "公斤",
             "needed_from": start.isoformat(), "needed_to": (start + timedelta(days=19)).isoformat(),
             "delivery_county_code": "360732", **demand}
        demands.append(d)
        for k, item in enumerate(items):
            item = dict(item)
            label = item.pop("label")
            lo, hi = item.pop("window", (0, 19))
            row = {"id": f"L{n:03d}-{k}", "quantity": 5000, "unit": "公斤", "price": 4.0,
                   "price_unit": "元/公斤", "county_code": "360781",
                   "available_from": (start + timedelta(days=lo)).isoformat(),
                   "available_to": (start + timedelta(days=hi)).isoformat(), **item}
            listings.append(row)
            judgements.append({"demand_id": d["id"], "listing_id": row["id"], "label": label, "topic": topic})
    return {"demands": demands, "listings": listings, "judgements": judgements}


if __name__ == "__main__":
    data = build()
    path = Path(__file__).with_name("eval_set.json")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(data['demands'])} demands, {len(data['listings'])} listings, "
          f"{len(data['judgements'])} judgements -> {path}")
