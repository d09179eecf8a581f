"""Word letters to agencies: a 检查意见 on one report, and a 通报 on a whole batch.

Written the way a supervising office writes them: a title, the agency addressed, the basis of the check,
the problems numbered and grouped by the report's sections (each with where it stands in the report and
what to rectify), the rectification requirements with a deadline, and the issuer with the date. Findings
a reviewer dismissed, and those rectified in a corrected version, are left out; notes (severity info)
and the engine's own failures are not sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from compliance.deliverables import wordstyle
from compliance.deliverables.describe import (
    NOT_FOR_AGENCIES,
    category_label,
    chinese_numeral,
    counts,
    document_order,
    location_text,
    rectification,
    report_name,
    section_heading,
    section_key,
    verdict,
)
from compliance.deliverables.reviews import Reviews, review_of, standing
from compliance.model import Finding, FindingsDocument, Report, ReportResult

LAW = "《中华人民共和国政府信息公开条例》第五十条"
FORMATS = {
    "V2019": "《中华人民共和国政府信息公开工作年度报告格式（试行）》（国办公开办函〔2019〕60号）",
    "V2021": "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）",
}


@dataclass(frozen=True)
class Letterhead:
    """What the supervisor fills in: who issues the letter, when, and the rectification deadline.

    Left empty, each becomes a blank in the letter to be completed by hand.
    """

    issuer: str | None = None
    issued: date | None = None
    deadline: date | None = None
    severities: tuple[str, ...] = ("error", "warning")


def notice_docx(
    subject: ReportResult | FindingsDocument,
    reviews: Reviews | None = None,
    *,
    reports: Sequence[Report | None] = (),
    letterhead: Letterhead | None = None,
) -> bytes:
    """A 检查意见 for one report's result, or a 通报 for a batch's findings document, as .docx bytes.

    ``reports`` are the structured reports (one for a result, one per result for a batch), used only to
    name cells of hybrid-layout tables; ``reviews`` map fingerprints to review states.
    """
    head = letterhead or Letterhead()
    if isinstance(subject, FindingsDocument):
        return bulletin_docx(subject, reviews, reports=reports, letterhead=head)
    return inspection_docx(subject, reviews, report=next(iter(reports), None), letterhead=head)


def to_send(findings: Sequence[Finding], reviews: Reviews | None, head: Letterhead) -> list[Finding]:
    """The findings a letter reports: still open, of the chosen severities, the agency's own, in order."""
    chosen = [f for f in standing(findings, reviews) if f.severity in head.severities]
    return sorted((f for f in chosen if f.category not in NOT_FOR_AGENCIES), key=document_order)


def _basis(templates: set[str | None]) -> str:
    formats = [FORMATS[t] for t in sorted(t for t in templates if t in FORMATS)]
    return f"{LAW}和{'、'.join(formats)}" if formats else LAW


def _year(year: int | None) -> str:
    return f"{year}年" if year is not None else ""


def _deadline(head: Letterhead) -> str:
    return wordstyle.chinese_date(head.deadline).strip() if head.deadline else "____年__月__日"


def inspection_docx(
    result: ReportResult,
    reviews: Reviews | None = None,
    *,
    report: Report | None = None,
    letterhead: Letterhead | None = None,
) -> bytes:
    """The 检查意见 on one report."""
    head = letterhead or Letterhead()
    findings = to_send(result.findings, reviews, head)
    agency = result.agency or "（被检查单位）"
    document = wordstyle.new_letter()
    wordstyle.title(document, f"关于{result.agency or ''}{_year(result.year)}政府信息公开工作年度报告的检查意见")
    wordstyle.body(document, f"{agency}：", indent=False)
    checker = head.issuer or "我单位"
    wordstyle.body(
        document,
        f"根据{_basis({result.template})}，{checker}对你单位报送的{_year(result.year)}政府信息公开工作年度报告"
        f"（{PurePath(result.source).name}）进行了检查。现将检查意见反馈如下。",
    )
    wordstyle.heading(document, "一、基本情况")
    c = counts(findings)
    for line in (
        f"被检查单位：{agency}",
        f"报告年度：{result.year if result.year is not None else '（未能识别）'}",
        f"适用格式：{FORMATS.get(result.template or '', '（未能识别）')}",
        f"检查依据：{_basis({result.template})}",
        f"检查结论：{verdict(findings)}（需更正的问题{c['error']}个，需核实的问题{c['warning']}个）",
    ):
        wordstyle.body(document, line)
    wordstyle.heading(document, "二、发现的问题")
    if findings:
        _numbered_problems(document, findings, result.template, report, reviews)
    else:
        wordstyle.body(document, "经检查，未发现需要整改的问题。")
    wordstyle.heading(document, "三、整改要求")
    if findings:
        wordstyle.body(
            document,
            f"请你单位对照上述问题逐项核实、整改，于{_deadline(head)}前将更正后的年度报告在政府信息公开专栏重新发布，"
            f"并将整改情况书面报送{head.issuer or '我单位'}。对经核实无误的数据，请一并说明理由。",
        )
    else:
        wordstyle.body(document, "请继续按照年度报告格式要求做好年度报告的编制和发布工作。")
    wordstyle.signature(document, head.issuer, head.issued)
    return wordstyle.to_bytes(document)


def _numbered_problems(
    document: object,
    findings: list[Finding],
    template: str | None,
    report: Report | None,
    reviews: Reviews | None,
) -> None:
    """Problems numbered 1, 2, … across the letter, under one （一） heading per section of the report."""
    keys: list[str | None] = []
    for found in findings:
        if section_key(found) not in keys:
            keys.append(section_key(found))
    number = 0
    for index, key in enumerate(keys, start=1):
        wordstyle.heading(document, f"（{chinese_numeral(index)}）{section_heading(key)}", level=2)
        for found in (f for f in findings if section_key(f) == key):
            number += 1
            where = location_text(found, template, report)
            kind = "问题" if found.severity == "error" else "疑点"
            text = f"{number}. {found.message.rstrip('。')}。（{kind}位置：{where}）整改要求：{rectification(found)}。"
            review = review_of(found, reviews)
            if review is not None and review.reason:
                text += f"审核意见：{review.reason}"
            wordstyle.body(document, text)


def bulletin_docx(
    document: FindingsDocument,
    reviews: Reviews | None = None,
    *,
    reports: Sequence[Report | None] = (),
    letterhead: Letterhead | None = None,
) -> bytes:
    """The 通报 on a batch: the overall picture, the common problems by kind, the agencies concerned."""
    head = letterhead or Letterhead()
    results = document.reports
    sent = {id(r): to_send(r.findings, reviews, head) for r in results}
    years = {r.year for r in results if r.year is not None}
    year = _year(next(iter(years))) if len(years) == 1 else ""
    letter = wordstyle.new_letter()
    wordstyle.title(letter, f"关于{year}政府信息公开工作年度报告检查情况的通报")
    wordstyle.body(letter, "各有关单位：", indent=False)
    wordstyle.body(
        letter,
        f"根据{_basis({r.template for r in results})}，{head.issuer or '我单位'}对{len(results)}份{year}"
        "政府信息公开工作年度报告进行了检查。现将检查情况通报如下。",
    )
    wordstyle.heading(letter, "一、总体情况")
    verdicts = [verdict(sent[id(r)]) for r in results]
    total = counts([f for r in results for f in sent[id(r)]])
    wordstyle.body(
        letter,
        f"共检查年度报告{len(results)}份，其中存在错误的{verdicts.count('存在错误')}份，"
        f"需核实的{verdicts.count('需核实')}份，未发现问题的{verdicts.count('未发现问题')}份；"
        f"共发现需更正的问题{total['error']}个、需核实的问题{total['warning']}个。各报告检查结果见下表。",
    )
    rows: list[list[object]] = []
    for number, (r, v) in enumerate(zip(results, verdicts, strict=True), start=1):
        c = counts(sent[id(r)])
        rows.append([number, report_name(r), r.year if r.year is not None else "", c["error"], c["warning"], v])
    wordstyle.table(letter, ["序号", "单位", "年度", "需更正", "需核实", "结论"], rows)
    wordstyle.heading(letter, "二、存在的主要问题")
    _common_problems(letter, results, sent)
    wordstyle.heading(letter, "三、整改要求")
    wordstyle.body(
        letter,
        f"存在问题的单位要对照检查意见逐项核实、整改，于{_deadline(head)}前将更正后的年度报告重新发布，"
        f"并将整改情况书面报送{head.issuer or '我单位'}。各单位要举一反三，严格按照年度报告格式编制和发布年度报告，"
        "确保数据准确、内容完整。",
    )
    wordstyle.signature(letter, head.issuer, head.issued)
    return wordstyle.to_bytes(letter)


def _common_problems(letter: object, results: list[ReportResult], sent: dict[int, list[Finding]]) -> None:
    """One （一） paragraph per kind of problem, most widespread first, naming the agencies concerned."""
    by_category: dict[str, list[ReportResult]] = {}
    found_count: dict[str, int] = {}
    for r in results:
        for kind in dict.fromkeys(f.category for f in sent[id(r)]):
            by_category.setdefault(kind, []).append(r)
        for f in sent[id(r)]:
            found_count[f.category] = found_count.get(f.category, 0) + 1
    if not by_category:
        wordstyle.body(letter, "本次检查未发现需要整改的问题。")
        return
    ranked = sorted(by_category, key=lambda c: (-len(by_category[c]), -found_count[c], c))
    for index, category in enumerate(ranked, start=1):
        concerned = by_category[category]
        names = "、".join(dict.fromkeys(report_name(r) for r in concerned))
        wordstyle.heading(letter, f"（{chinese_numeral(index)}）{category_label(category)}", level=2)
        wordstyle.body(letter, f"涉及{len(concerned)}份报告、{found_count[category]}处，涉及单位：{names}。")
