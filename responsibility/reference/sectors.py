"""Industry sectors (行业领域) as seeded defaults, from the seeds' sector lists (Quanzhou's
supervision departments, Sanming's sector grids and big-inspection sectors)."""

# (code, name)
SECTORS: list[tuple[str, str]] = [
    ("industry_trade", "工贸"),
    ("construction", "建筑施工"),
    ("road_transport", "道路运输"),
    ("hazardous_chemicals", "危险化学品"),
    ("mining", "矿山"),
    ("fireworks", "烟花爆竹"),
    ("metallurgy", "冶金"),
    ("crowded_places", "人员密集场所"),
    ("special_equipment", "特种设备"),
    ("gas", "城镇燃气"),
    ("water_transport", "水上交通"),
    ("fishing_vessels", "渔业船舶"),
    ("schools", "校园"),
    ("tourism", "文化旅游"),
    ("medical", "医疗卫生"),
    ("hydraulic", "水利工程"),
    ("civil_explosives", "民用爆炸物品"),
    ("social_services", "社会事务"),
]
