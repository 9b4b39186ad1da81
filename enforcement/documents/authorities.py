"""The issuing authorities a fresh portal starts with: MIIT and each province's department.

Names are the departments' official names as publicly listed in 2025 (most provinces:
工业和信息化厅; Beijing, Shanghai, Chongqing and Tibet: 经济和信息化局/委员会/厅).
Number prefixes follow the common pattern 省简称 + 工信 / 经信 (苏工信罚〔2026〕3号);
a department's real prefix may differ, so every row is data that MIIT edits in the back
office (with history). Taiwan, Hong Kong and Macao have no department here.
"""

MIIT = ("miit", "", "中华人民共和国工业和信息化部", "工信")

# province code → (department name, number prefix)
PROVINCIAL = {
    "11": ("北京市经济和信息化局", "京经信"),
    "12": ("天津市工业和信息化局", "津工信"),
    "13": ("河北省工业和信息化厅", "冀工信"),
    "14": ("山西省工业和信息化厅", "晋工信"),
    "15": ("内蒙古自治区工业和信息化厅", "内工信"),
    "21": ("辽宁省工业和信息化厅", "辽工信"),
    "22": ("吉林省工业和信息化厅", "吉工信"),
    "23": ("黑龙江省工业和信息化厅", "黑工信"),
    "31": ("上海市经济和信息化委员会", "沪经信"),
    "32": ("江苏省工业和信息化厅", "苏工信"),
    "33": ("浙江省经济和信息化厅", "浙经信"),
    "34": ("安徽省经济和信息化厅", "皖经信"),
    "35": ("福建省工业和信息化厅", "闽工信"),
    "36": ("江西省工业和信息化厅", "赣工信"),
    "37": ("山东省工业和信息化厅", "鲁工信"),
    "41": ("河南省工业和信息化厅", "豫工信"),
    "42": ("湖北省经济和信息化厅", "鄂经信"),
    "43": ("湖南省工业和信息化厅", "湘工信"),
    "44": ("广东省工业和信息化厅", "粤工信"),
    "45": ("广西壮族自治区工业和信息化厅", "桂工信"),
    "46": ("海南省工业和信息化厅", "琼工信"),
    "50": ("重庆市经济和信息化委员会", "渝经信"),
    "51": ("四川省经济和信息化厅", "川经信"),
    "52": ("贵州省工业和信息化厅", "黔工信"),
    "53": ("云南省工业和信息化厅", "云工信"),
    "54": ("西藏自治区经济和信息化厅", "藏经信"),
    "61": ("陕西省工业和信息化厅", "陕工信"),
    "62": ("甘肃省工业和信息化厅", "甘工信"),
    "63": ("青海省工业和信息化厅", "青工信"),
    "64": ("宁夏回族自治区工业和信息化厅", "宁工信"),
    "65": ("新疆维吾尔自治区工业和信息化厅", "新工信"),
}


def authority_rows() -> list[dict]:
    """Return the seeded authorities as field dictionaries."""
    code, province, name, prefix = MIIT
    rows = [{"code": code, "province": province, "name": name, "number_prefix": prefix}]
    rows += [
        {"code": province, "province": province, "name": name, "number_prefix": prefix}
        for province, (name, prefix) in sorted(PROVINCIAL.items())
    ]
    return rows


def authorities_seed(authority_model) -> None:
    """Write the seeded authorities whose code the table lacks (models passed in)."""
    present = set(authority_model.objects.values_list("code", flat=True))
    authority_model.objects.bulk_create(
        authority_model(**row) for row in authority_rows() if row["code"] not in present
    )
