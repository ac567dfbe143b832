"""Synthetic e-waybills: believable and varied, the same for the same seed."""

from __future__ import annotations

import re

from parcelhub.shipping.labels.samples import synthetic_labels

WAYBILL = {"sf": r"SF\d{13}", "zto": r"7\d{13}", "yto": r"YT\d{13}", "sto": r"77\d{13}", "yunda": r"43\d{11}",
           "jt": r"JT\d{13}", "jd": r"JDV\d{12}", "ems": r"11\d{11}"}
NAMES = {"sf": "顺丰速运", "zto": "中通快递", "yto": "圆通速递", "sto": "申通快递", "yunda": "韵达快递",
         "jt": "极兔速递", "jd": "京东快递", "ems": "EMS"}


def test_synthetic_labels_are_varied_and_realistic():
    labels = synthetic_labels(400, seed=3)
    assert len(labels) == 400
    assert {lab.carrier_code for lab in labels} == set(WAYBILL)
    for lab in labels:
        assert re.fullmatch(WAYBILL[lab.carrier_code], lab.waybill_no), lab.waybill_no
        assert lab.carrier_name == NAMES[lab.carrier_code]
        assert lab.weight_g > 0 and lab.insured_value_fen >= 0 and lab.cod_fen >= 0
        assert lab.tracking_url.startswith("https://www.parcelhub.cn/t/shp_")
        assert lab.recipient.address[:2] in "北京上海广东浙江江苏四川湖北陕西湖南河南山东辽宁黑龙福建云南广西新疆西藏重庆内蒙"
    assert 0.2 < sum(lab.privacy for lab in labels) / 400 < 0.6
    assert any(lab.insured_value_fen for lab in labels) and any(lab.cod_fen for lab in labels)
    assert len({lab.recipient.address[:3] for lab in labels}) > 10   # many provinces
    assert len({lab.waybill_no for lab in labels}) == 400


def test_same_seed_same_labels():
    assert synthetic_labels(20, seed=5) == synthetic_labels(20, seed=5)
    assert synthetic_labels(20, seed=5) != synthetic_labels(20, seed=6)
    assert synthetic_labels(0) == []
