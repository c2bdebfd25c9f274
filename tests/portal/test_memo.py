"""portal.memo.ProcessMemo: what the composers and the disclosure control keep per process stays bounded, and
what is used keeps its place."""

import threading

from portal.memo import ProcessMemo


def test_the_least_recently_used_entry_leaves_first():
    memo = ProcessMemo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # "a" is now the most recently used
    memo.put("c", 3)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (1, None, 3)
    assert sorted(memo) == ["a", "c"]


def test_threads_never_push_it_past_its_size():
    memo = ProcessMemo(50)

    def fill(offset):
        for n in range(500):
            memo.put((offset, n), n)
            memo.get((offset, n // 2))

    threads = [threading.Thread(target=fill, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(list(memo)) == 50
