"""The harness the tests and the bench share: the fakes, the processes, signed requests, flows."""
