"""Splitting run-together digits: syntax first, then the row's identities, then the columns'."""

from __future__ import annotations

from compliance.mapping.inference import (
    Pending,
    RowIdentity,
    candidate_splits,
    infer_split,
    resolve_jointly,
    run_groups,
)

T3_KEYS = [f"r/{c}" for c in ("natural", "biz", "research", "ngo", "legal", "other_org", "total")]
ROW_TOTAL = RowIdentity("T3-ROW-TOTAL", "r", "r/total", tuple(T3_KEYS[:6]))


def test_run_groups_spaces_and_signs_are_borders() -> None:
    assert run_groups("23 0 00 0 023") == ["23", "0", "00", "0", "023"]
    assert run_groups("2648-18538") == ["2648", "-18538"]
    assert run_groups("规章000") is None
    assert run_groups("  ") is None


def test_candidate_splits_reject_leading_zeros() -> None:
    # 00 and 023 can only be cut into 0/0 and 0/23: the printed spaces decide the rest.
    assert candidate_splits(["23", "0", "00", "0", "023"], 7) == [["23", "0", "0", "0", "0", "0", "23"]]
    assert candidate_splits(["0000000"], 7) == [["0"] * 7]
    assert candidate_splits(["12"], 3) == []


def test_infer_split_by_row_identity_names_the_identity() -> None:
    result = infer_split("640020470", T3_KEYS, [ROW_TOTAL])
    assert result.cells == ["64", "0", "0", "2", "0", "4", "70"]
    assert result.identities == [("T3-ROW-TOTAL", "r")]
    assert not result.printed


def test_infer_split_unique_by_digit_count_uses_no_identity() -> None:
    result = infer_split("6000016", T3_KEYS, [ROW_TOTAL])
    # Seven digits for seven columns: the split is certain even though the row does not add up,
    # so the row identity stays checkable (and will fail).
    assert result.cells == ["6", "0", "0", "0", "0", "1", "6"]
    assert result.identities == []


def test_one_figure_is_not_cut_into_digits_where_no_identity_can_confirm_it() -> None:
    # "396" under three columns without an identity: one figure whose neighbours were printed
    # elsewhere as much as 3 | 9 | 6. Zeros run together cannot be one figure (reports never print 00).
    columns = ["prev", "delta", "decisions"]
    assert infer_split("396", columns, []).cells is None
    assert infer_split("000", columns, []).cells == ["0", "0", "0"]
    assert infer_split("0 396 0", columns, []).cells == ["0", "396", "0"]


def test_infer_split_printed_borders_are_read_not_inferred() -> None:
    result = infer_split("0 1 1 0 2", ["a", "b", "c", "d", "e"], [])
    assert result.printed and result.cells == ["0", "1", "1", "0", "2"]


def test_infer_split_without_identity_stays_ambiguous() -> None:
    result = infer_split("693665", ["made", "repealed", "valid"], [])
    assert result.cells is None and result.candidates > 1


def test_infer_split_no_split_satisfies_identity_is_ambiguous() -> None:
    result = infer_split("640020471", T3_KEYS, [ROW_TOTAL])
    assert result.cells is None and result.survivors == []


def test_infer_split_several_survivors_are_kept_for_the_columns() -> None:
    result = infer_split("270020130", T3_KEYS, [ROW_TOTAL])
    assert result.cells is None
    assert ["27", "0", "0", "2", "0", "1", "30"] in result.survivors and len(result.survivors) > 1


def test_resolve_jointly_column_total_chooses_the_one_combination() -> None:
    columns = ["a", "b"]
    pending = [Pending("x", columns, [[1, 2], [12, 0]])]
    known = {("t", "a"): 3, ("t", "b"): 2, ("y", "a"): 2, ("y", "b"): 0}
    chosen = resolve_jointly(pending, known, [("SUM", ["t"], ["x", "y"])])
    assert chosen == {"x": ([1, 2], [("SUM", "a"), ("SUM", "b")])}


def test_resolve_jointly_two_fits_is_no_answer() -> None:
    pending = [Pending("x", ["a", "b"], [[1, 2], [2, 1]])]
    # Column sums a + b of x are the same for both candidates: the identity cannot choose.
    known = {("t", "a"): 3, ("t", "b"): 3, ("y", "a"): 2, ("y", "b"): 1}
    assert resolve_jointly(pending, known, [("SUM", ["t"], ["x", "y"])]) is not None
    assert resolve_jointly(pending, known, [("TRIVIAL", ["x"], ["x"])]) is None


def test_resolve_jointly_needs_an_identity_touching_the_rows() -> None:
    pending = [Pending("x", ["a"], [[1], [2]])]
    assert resolve_jointly(pending, {}, [("SUM", ["t"], ["y"])]) is None


def test_candidate_splits_too_many_is_none_quickly() -> None:
    # 60 non-zero digits into 15 cells: about 10^13 splits; counted, never built.
    assert candidate_splits(["123456789" * 6 + "123456"], 15) is None
    assert infer_split("123456789" * 7, [f"c{i}" for i in range(15)], []).cells is None
