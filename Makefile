# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SCALE ?= 0.25
# pytest-xdist processes for `make test` (the suite runs in parallel; each process uses the
# simulators' threads too)
JOBS ?= auto

.PHONY: run test setup tex reports clean

$(BIN)/dltheory: pyproject.toml
	$(PYTHON) -m venv $(VENV) || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null && \
		$(PYTHON) -m venv --clear $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,distributed]'
	touch $@

setup: $(BIN)/dltheory

# TeX Live from Debian's packages (needs root or sudo); skipped with a note where impossible.
tex:
	@if command -v latexmk >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			texlive-latex-base texlive-latex-recommended latexmk >/dev/null; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			texlive-latex-base texlive-latex-recommended latexmk >/dev/null; \
	else echo "note: cannot install TeX Live here; derive will write .tex only"; fi

run: setup tex
	$(BIN)/dltheory verify --all --quick --plots docs/figures --out docs/figures/verify.jsonl
	$(BIN)/dltheory derive --all --out docs/derivations
	$(BIN)/python tools/meanfield_figures.py docs/figures/meanfield-phase-diagram.png
	$(BIN)/python tools/tensor_networks_figures.py
	$(BIN)/python tools/information_figures.py
	$(BIN)/python tools/manifold_figures.py
	@echo "derivations: $(CURDIR)/docs/derivations  figures: $(CURDIR)/docs/figures"

# The long reports and experiments behind the docs (each regenerates its tracked figures and
# numbers byte-identically): the information plane (about 2 min), generalization (about 10 min at
# 100 trials), winning tickets (about 20 min), sharpness, optimization and learning-curve
# experiments, spin-glass and NTK-dynamics figures (minutes each).
reports: setup
	$(BIN)/python tools/information_plane.py
	$(BIN)/python tools/generalization_report.py --trials 100 --out docs/figures
	$(BIN)/python tools/lottery_tickets.py --seeds 16
	$(BIN)/python tools/sharpness_experiments.py
	$(BIN)/python tools/optim_experiments.py
	$(BIN)/python tools/optim_conditioning.py
	$(BIN)/python tools/learning_curves_figures.py
	$(BIN)/python tools/spin_glass_figures.py
	$(BIN)/dltheory verify pspin-complexity-finite-size pspin-critical-energy-finite-size --seed 0 --plots docs/figures/landscape
	$(BIN)/python tools/ntk_dynamics_figure.py

test: setup tex
	DLTHEORY_SCALE=$(SCALE) $(BIN)/python -m pytest -m "not slow or slow" -n $(JOBS) --dist worksteal

clean:
	rm -rf $(VENV) build *.egg-info
