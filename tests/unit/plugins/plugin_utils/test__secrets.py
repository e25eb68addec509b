from __future__ import annotations

from ansible_collections.svcwright.services.plugins.plugin_utils._secrets import MASK, mask, shown_argv


def test_every_form_of_the_secret_is_masked_in_nested_results():
    secret = 'p a"ss%'
    quoted = '"p a\\"ss%"'
    escaped = '^"p a\\^"ss^%^"'
    result = {"msg": "nssm set X ObjectName u %s failed" % quoted, "cmd": ["a", secret, escaped], "rc": 1}
    masked = mask(result, secret)
    assert masked == {"msg": "nssm set X ObjectName u %s failed" % MASK, "cmd": ["a", MASK, MASK], "rc": 1}


def test_no_secret_changes_nothing_and_argv_is_shown_masked():
    assert mask({"a": "b"}, None) == {"a": "b"}
    assert shown_argv(["sc.exe", "config", "x", "password=", "s3cret"], "s3cret") == \
        "sc.exe config x password= ********"
