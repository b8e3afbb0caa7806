# nbgrader course folder (make grading): one assignment per lecture, autograded exercises.
.PHONY: grading

GRADING_DIR  ?= build/grading
GRADING_ARGS ?=

grading: $(VENV)/.test-installed  ## nbgrader course folder in build/grading (GRADING_DIR=..., GRADING_ARGS="--points 2")
	$(PY) -m helpers.grading notebooks $(GRADING_DIR) $(GRADING_ARGS)
