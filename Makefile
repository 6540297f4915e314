# Two commands for a fresh machine: `make serve` and `make test`.
.PHONY: serve test bench fake-server setup

serve:        ## set up the tools if needed, then serve the app on http://127.0.0.1:8080
	bash scripts/serve.sh

test:         ## set up the tools if needed, then run every test (native, browser, end to end)
	bash scripts/test.sh

bench:        ## bundle sizes beside a plain Leptos counter built the same way
	bash scripts/bench.sh

fake-server:  ## the fake queue server on http://127.0.0.1:8787 (key: demo-key)
	bash scripts/fake-server.sh

setup:
	bash scripts/setup.sh
