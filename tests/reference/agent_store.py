#!/usr/bin/env python3
"""The rendezvous store of torchrun's elastic agent, without torchrun (tests/test_distributed.cpp).

When torchrun's agent hosts the store itself (torch/distributed/elastic/agent/server/
local_elastic_agent.py: TORCHELASTIC_USE_AGENT_STORE=True, the static rendezvous), it is a c10d
TCPStore server on MASTER_ADDR:MASTER_PORT created by PyTorch, and every worker, rank 0 included,
joins it as a client (torch/distributed/rendezvous.py, _create_c10d_store). This script is that
server, made by Debian's python3-torch (1.13) as the agent makes it, plus a key of the agent's own
(the address it hands out) that the workers must leave alone.

Usage: agent_store.py WORLD_SIZE. Prints {"port": P} on one line once the store listens on
127.0.0.1:P, then keeps it up until stdin closes or the process is stopped. After stdin closes it
prints {"agent_key": ...} with the agent's key as it reads it then.
"""
import json
import sys
from datetime import timedelta

import torch.distributed as dist


def main():
    world_size = int(sys.argv[1])
    # Port 0: the kernel picks a free one; the agent's leader likewise binds whatever is free.
    store = dist.TCPStore("127.0.0.1", 0, world_size, is_master=True, timeout=timedelta(seconds=60),
                          wait_for_workers=False)
    store.set("MASTER_ADDR", "127.0.0.1")  # as SimpleElasticAgent._set_master_addr_port
    print(json.dumps({"port": store.port}), flush=True)
    sys.stdin.read()
    print(json.dumps({"agent_key": store.get("MASTER_ADDR").decode()}), flush=True)


if __name__ == "__main__":
    main()
