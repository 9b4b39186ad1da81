"""Documents: the PDF says what was decided, its QR code leads to the public verification
page, which tells the stored PDF from one altered by a single byte; downloads are for
the regulators in scope and the addressee only, and each one is logged."""

import io
import re

import pypdf
import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enforcement.documents.services import document_render_run
from enforcement.models import Document, DocumentDownload
from enforcement.sanctions import services as ladder
from tests.enforcement.builders import page_text
from tests.enforcement.ladder import decided, ordered
from tests.enforcement.scenario import at

pytestmark = pytest.mark.django_db


def rendered(document: Document) -> Document:
    assert document_render_run(document_id=document.pk).startswith("rendered")
    document.refresh_from_db()
    return document


def pdf_text(document: Document) -> str:
    with document.pdf.open("rb") as f:
        reader = pypdf.PdfReader(io.BytesIO(f.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def fine(desk) -> Document:
    _case, decision = decided(desk, amount=50_000, day="2026-10-29")
    return rendered(decision)


def test_the_fine_decision_pdf_carries_number_enterprise_facts_amount_and_rights(desk, fine):
    text = re.sub(r"\s+", "", pdf_text(fine))
    assert "江苏省工业和信息化厅" in text
    assert "苏工信罚〔2026〕1号" in text
    assert "行政处罚决定书" in text
    assert "苏拆解公司" in text and desk.dismantler.uscc in text
    assert "存在“用于禁止领域”的违法行为" in text
    assert "罚款人民币50,000元" in text
    assert "15日内（即2026年11月13日前）" in text
    assert "每日按罚款数额的3%加处罚款" in text
    assert "60日内依法申请行政复议" in text and "6个月内依法向人民法院提起行政诉讼" in text
    assert fine.pages >= 2 and len(fine.sha256) == 64


def test_the_qr_code_decodes_to_the_public_verification_page(fine):
    with fine.pdf.open("rb") as f:
        reader = pypdf.PdfReader(io.BytesIO(f.read()))
    images = [image.image for page in reader.pages for image in page.images]
    decoded = [code.text for image in images for code in zxingcpp.read_barcodes(image)]
    assert decoded and set(decoded) == {fine.verify_url}
    assert fine.verify_url.endswith(reverse("enforcement:document_verify", args=[fine.token]))


def test_the_verification_page_needs_no_login_and_tells_the_stored_pdf_from_an_altered_one(
    client, fine
):
    url = reverse("enforcement:document_verify", args=[fine.token])
    page = page_text(client.get(url))
    shown = ["苏工信罚〔2026〕1号", "行政处罚决定书（罚款）", "江苏省工业和信息化厅", "苏拆解公司"]
    shown += ["2026-10-29", fine.sha256, "本平台签发的文书，未被撤销。"]
    assert all(item in page for item in shown), page
    with fine.pdf.open("rb") as f:
        stored = f.read()
    genuine = client.post(url, {"file": SimpleUploadedFile("a.pdf", stored)})
    assert "上传的文件与平台存档的原件完全一致" in page_text(genuine)
    altered = bytearray(stored)
    altered[len(altered) // 2] ^= 0x01
    forged = client.post(url, {"file": SimpleUploadedFile("a.pdf", bytes(altered))})
    assert "上传的文件与平台存档的原件不一致" in page_text(forged)
    assert "完全一致" not in page_text(forged)
    lookup = client.post(
        reverse("enforcement:document_lookup"), {"file": SimpleUploadedFile("a.pdf", stored)}
    )
    assert "该文件是本平台签发的 苏工信罚〔2026〕1号，未经改动。" in page_text(lookup)


def test_a_revoked_document_says_so_and_names_its_replacement(client, desk):
    _case, order = ordered(desk, day="2026-11-02")
    new = ladder.document_reissue(
        document=order, actor=desk.jiangsu, reason="期限计算有误。", now=at("2026-11-03")
    )
    page = page_text(client.get(reverse("enforcement:document_verify", args=[order.token])))
    assert "该文书已被撤销" in page and "期限计算有误。" in page
    assert f"以新文书为准： {new.number}" in page


def test_only_regulators_in_scope_and_the_addressee_download_and_each_download_is_logged(
    client, desk, fine
):
    url = reverse("enforcement:document_download", args=[fine.pk])
    for user in (desk.zhejiang_user, desk.zhejiang):
        client.force_login(user)
        assert client.get(url).status_code == 404
    for user in (desk.dismantler_user, desk.jiangsu, desk.national):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert "attachment" in response["Content-Disposition"]
    logged = DocumentDownload.objects.filter(document=fine).order_by("at", "pk")
    assert [d.user.username for d in logged] == ["su-dismantler", "jiangsu-desk", "miit-desk"]
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_document_still_rendering_is_not_downloaded_but_said_to_be_coming(client, desk):
    _case, order = ordered(desk)
    client.force_login(desk.dismantler_user)
    response = client.get(reverse("enforcement:document_download", args=[order.pk]), follow=True)
    assert f"文书 {order.number} 正在生成，请稍后再下载。" in page_text(response)
    assert not DocumentDownload.objects.exists()


def test_rendering_again_keeps_the_stored_pdf(desk, fine):
    before = (fine.pdf.name, fine.sha256)
    assert document_render_run(document_id=fine.pk) == "already rendered"
    fine.refresh_from_db()
    assert (fine.pdf.name, fine.sha256) == before


def test_a_case_with_many_packs_lists_them_in_a_paginated_annex(desk):
    case, order = ordered(desk, findings=120)
    order = rendered(order)
    text = pdf_text(order)
    assert "共 120 条" in re.sub(r"\s+", " ", text)
    assert "S0119" in text and "S0000" in text
    with order.pdf.open("rb") as f:
        reader = pypdf.PdfReader(io.BytesIO(f.read()))
    annex = [p.extract_text() for p in reader.pages if "序号" in p.extract_text()]
    assert len(annex) >= 2  # the table's header repeats on every page of the annex


def test_the_public_list_shows_fine_decisions_in_force_with_their_verification_link(client, desk):
    _case, decision = decided(desk, amount=50_000, day="2026-10-29")
    page = client.get(reverse("enforcement:penalty_list"))
    text = page_text(page)
    assert "苏拆解公司" in text and desk.dismantler.uscc in text
    assert "苏工信罚〔2026〕1号" in text and "用于禁止领域" in text and "50,000" in text
    assert reverse("enforcement:document_verify", args=[decision.token]) in page.content.decode()
    ladder.document_reissue(
        document=decision, actor=desk.jiangsu, reason="金额计算有误。", amount_yuan=40_000,
        now=at("2026-10-30"),
    )  # fmt: skip
    text = page_text(client.get(reverse("enforcement:penalty_list")))
    assert "苏工信罚〔2026〕1号" not in text and "苏工信罚〔2026〕2号" in text and "40,000" in text
