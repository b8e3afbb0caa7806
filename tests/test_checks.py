"""helpers.checks: the exercise machinery must accept right answers and reject wrong ones."""

import numpy as np

from helpers import checks

SQUARE = checks.Exercise(
    name="square", reference=lambda x: x ** 2, arg_names=("x",),
    cases=lambda rng: [(rng.normal(size=3),) for _ in range(5)], hint="multiply x by itself",
)


def stub(x):
    raise NotImplementedError


def test_right_answer_passes():
    result = SQUARE.run(lambda x: x * x)
    assert result and result.status == checks.PASS
    assert result.message.startswith("✅") and "5 hidden cases" in result.message


def test_wrong_answer_fails_with_expected_got_and_hint():
    result = SQUARE.run(lambda x: 2 * x)
    assert not result and result.status == checks.FAIL and result.case == 1
    assert result.message.startswith("❌")
    assert "expected" in result.message and "got" in result.message
    assert "Hint: multiply x by itself" in result.message


def test_stub_reports_not_implemented():
    result = SQUARE.run(stub)
    assert result.status == checks.NOT_IMPLEMENTED and not result
    assert "not implemented yet" in result.message


def test_raising_function_is_reported_not_raised():
    result = SQUARE.run(lambda x: x[10])
    assert result.status == checks.ERROR
    assert "IndexError" in result.message


def test_wrong_shape_fails():
    assert SQUARE.run(lambda x: (x ** 2)[:, None]).status == checks.FAIL


def test_not_callable_is_reported():
    assert SQUARE.run(42).status == checks.ERROR


def test_student_cannot_corrupt_the_reference_inputs():
    def mutating(x):
        x[:] = 0
        return x
    assert SQUARE.run(mutating).status == checks.FAIL  # the reference still saw the real x


def test_check_prints_exactly_one_line(capsys):
    SQUARE.check(stub)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("⏳")


def test_allclose_handles_tuples_and_shapes():
    assert checks.allclose((1.0, np.ones(2)), (1.0, np.ones(2)))
    assert not checks.allclose((1.0, np.ones(2)), (1.0, np.ones(3)))
    assert not checks.allclose(np.ones(2), np.ones(2) + 1e-3)
    assert checks.allclose("a", "a") and not checks.allclose("a", "b")


def test_exercise_without_arguments_has_a_clean_message():
    ex = checks.Exercise(name="answer", reference=lambda: 42, cases=lambda rng: [()])
    assert ex.run(lambda: 42)
    msg = ex.run(lambda: 41).message
    assert msg == "❌ answer: case 1 of 1 failed: expected 42, got 41."
    assert "on input x=" in SQUARE.run(lambda x: 2 * x).message
