package org.blockgraph.qmpdiff;

import java.util.List;

/** The differential scenarios. Each runs on a fresh daemon of each side. */
final class Scenarios {
    static final long MB = 1 << 20;

    private Scenarios() {
    }

    private static Scenario s(String name) {
        return new Scenario(name);
    }

    /** A three-image chain base <- mid <- top with data in base (0x11 at 0) and mid (0x22 at 64k). */
    private static Scenario chain(String name) {
        return s(name).image("base", MB, null).image("mid", MB, "base").image("top", MB, "mid")
                .io("base", "write -P 0x11 0 64k").io("mid", "write -P 0x22 64k 64k");
    }

    static List<Scenario> all() {
        return List.of(
                s("protocol-bad-input")
                        .raw("{\"execute\": oops}")
                        .raw("[1]")
                        .raw("{\"foo\":1}")
                        .raw("{\"execute\":1}")
                        .raw("{\"execute\":\"query-version\",\"arguments\":[]}")
                        .raw("{\"arguments\":{}}")
                        .cmd("no-such-command")
                        .cmd("qmp_capabilities"),
                // qemu-storage-daemon's monitor reads one byte per main-loop turn: 1 MiB takes it about 20 s.
                s("oversized-input").deepOnly()
                        .raw("{\"execute\":\"no-such-command\",\"id\":\"" + "x".repeat(1 << 20) + "\"}")
                        .cmd("query-version"),
                s("arguments-bad")
                        .cmd("blockdev-del", "{}")
                        .cmd("blockdev-del", "{'node-name':1}")
                        .cmd("blockdev-del", "{'node-name':'x','zz':1}")
                        .cmd("blockdev-add", "{'driver':'qcow3','node-name':'q'}")
                        .cmd("blockdev-add", "{'driver':'null-co','size':1048576}")
                        .cmd("blockdev-add", "{'driver':'null-co','node-name':'n','size':'big'}")
                        .cmd("blockdev-add", "{'driver':'null-co','node-name':'n','colour':'red'}")
                        .cmd("blockdev-add", "{'driver':'copy-on-read','node-name':'c'}")
                        .cmd("blockdev-add", "{'driver':'copy-on-read','node-name':'c','file':7}")
                        .cmd("blockdev-snapshot", "{'node':'a'}")
                        .cmd("block-job-set-speed", "{'device':'j','speed':'fast'}"),
                s("null-co-nodes")
                        .cmd("blockdev-add", "{'driver':'null-co','node-name':'n0','size':1048576}")
                        .cmd("blockdev-add", "{'driver':'null-co','node-name':'n0','size':1048576}")
                        .cmd("blockdev-add", "{'driver':'null-co','node-name':'n1'}")
                        .cmd("blockdev-add", "{'driver':'null-co','node-name':'1bad'}")
                        .cmd("blockdev-del", "{'node-name':'n1'}")
                        .cmd("blockdev-del", "{'node-name':'n1'}"),
                s("filters-over-null-co")
                        .cmd("blockdev-add", "{'driver':'null-co','node-name':'base','size':1048576}")
                        .cmd("blockdev-add", "{'driver':'copy-on-read','node-name':'cor','file':'base'}")
                        .cmd("blockdev-add", "{'driver':'blkdebug','node-name':'dbg','image':{'driver':'null-co',"
                                + "'node-name':'dbg-null','size':1048576},'inject-error':[{'event':'read_aio',"
                                + "'errno':5,'once':true}]}")
                        .cmd("blockdev-add", "{'driver':'blkdebug','node-name':'dbg2','image':'base',"
                                + "'inject-error':[{'event':'no_such_event'}]}")
                        .cmd("blockdev-del", "{'node-name':'base'}")
                        .cmd("blockdev-del", "{'node-name':'dbg-null'}")
                        .cmd("blockdev-del", "{'node-name':'dbg'}")
                        .graph()
                        .cmd("blockdev-del", "{'node-name':'cor'}"),
                s("throttle-group")
                        .cmd("blockdev-add", "{'driver':'null-co','node-name':'n0','size':1048576}")
                        .cmd("blockdev-add", "{'driver':'null-co','node-name':'n1','size':1048576}")
                        .cmd("blockdev-add", "{'driver':'throttle','node-name':'t0','file':'n0'}")
                        .cmd("blockdev-add", "{'driver':'throttle','node-name':'t0','file':'n0','throttle-group':'g'}")
                        .cmd("object-add", "{'qom-type':'throttle-group','id':'g','limits':{'iops-total':1000,"
                                + "'bps-total':10485760}}")
                        .cmd("object-add", "{'qom-type':'throttle-group','id':'g'}")
                        .cmd("object-add", "{'qom-type':'throttle-group','id':'1g'}")
                        .cmd("object-add", "{'qom-type':'throttle-group','id':'h','limits':{'iops-total':-1}}")
                        .cmd("object-add", "{'qom-type':'throttle-group','id':'h','limits':{'bogus':1}}")
                        .cmd("blockdev-add", "{'driver':'throttle','node-name':'t0','file':'n0','throttle-group':'g'}")
                        .cmd("blockdev-add", "{'driver':'throttle','node-name':'t1','file':'n1','throttle-group':'g'}")
                        .io("t0", "write -P 0x5a 0 4k")
                        .io("t1", "read 0 4k")
                        .cmd("object-del", "{'id':'g'}")
                        .cmd("object-del", "{'id':'nope'}")
                        .cmd("blockdev-del", "{'node-name':'t0'}")
                        .cmd("object-del", "{'id':'g'}")
                        .cmd("blockdev-del", "{'node-name':'t1'}")
                        .cmd("object-del", "{'id':'g'}"),
                s("image-data")
                        .image("a", MB, null)
                        .io("a", "write -P 0x11 0 64k")
                        .io("a", "read -P 0x11 0 64k")
                        .io("a", "read -P 0x22 0 64k")
                        .io("a", "write -z 4k 4k")
                        .io("a", "read -P 0 4k 4k")
                        .io("a", "read -P 0 64k 64k"),
                s("delete-node-in-use")
                        .image("base", MB, null).image("top", MB, "base")
                        .cmd("blockdev-del", "{'node-name':'base'}")
                        .cmd("blockdev-del", "{'node-name':'base-file'}")
                        .cmd("blockdev-del", "{'node-name':'nope'}")
                        .cmd("blockdev-del", "{'node-name':'top'}")
                        .graph()
                        .cmd("blockdev-del", "{'node-name':'base'}"),
                s("snapshot")
                        .image("base", MB, null).image("top", MB, null).image("top2", MB, null)
                        .io("base", "write -P 0x33 0 64k")
                        .cmd("blockdev-snapshot", "{'node':'nope','overlay':'top'}")
                        .cmd("blockdev-snapshot", "{'node':'base','overlay':'nope'}")
                        .cmd("blockdev-snapshot", "{'node':'base','overlay':'top'}")
                        .cmd("blockdev-snapshot", "{'node':'base','overlay':'top'}")
                        .cmd("blockdev-snapshot", "{'node':'top','overlay':'base'}")
                        .cmd("blockdev-add", "{'driver':'null-co','node-name':'n','size':1048576}")
                        .cmd("blockdev-snapshot", "{'node':'top','overlay':'n'}")
                        .io("top", "read -P 0x33 0 64k"),
                s("reopen-backing")
                        .image("a", MB, null).image("b", MB, "a").image("c", MB, null)
                        .cmd("blockdev-reopen", "{'options':[{'driver':'qcow2','node-name':'c','file':'c-file',"
                                + "'backing':'b'}]}")
                        .cmd("blockdev-reopen", "{'options':[{'driver':'qcow2','node-name':'b','file':'b-file'}]}")
                        .cmd("blockdev-reopen", "{'options':[{'driver':'qcow2','node-name':'b','file':'b-file',"
                                + "'backing':'nope'}]}")
                        .cmd("blockdev-reopen", "{'options':[{'driver':'qcow2','node-name':'a','file':'a-file',"
                                + "'backing':'c'}]}")
                        .cmd("blockdev-reopen", "{'options':[{'driver':'qcow2','node-name':'nope','file':'a-file'}]}")
                        .cmd("blockdev-reopen", "{'options':[{'driver':'qcow2','file':'a-file'}]}")
                        .cmd("blockdev-reopen", "{'options':[{'driver':'qcow2','node-name':'b','file':'b-file',"
                                + "'backing':null}]}"),
                s("reopen-transaction")
                        .image("a", MB, null).image("b", MB, "a").image("c", MB, null)
                        .cmd("blockdev-reopen", "{'options':[{'driver':'qcow2','node-name':'c','file':'c-file',"
                                + "'backing':'a'},{'driver':'qcow2','node-name':'a','file':'a-file','backing':'b'}]}")
                        .graph()
                        .cmd("blockdev-reopen", "{'options':[{'driver':'qcow2','node-name':'b','file':'b-file',"
                                + "'backing':null},{'driver':'qcow2','node-name':'a','file':'a-file','backing':'b'}]}"),
                s("reopen-options")
                        .cmd("blockdev-add", "{'driver':'null-co','node-name':'n','size':1048576}")
                        .cmd("blockdev-reopen", "{'options':[{'driver':'null-co','node-name':'n'}]}")
                        .cmd("blockdev-reopen", "{'options':[{'driver':'null-co','node-name':'n','size':2048}]}")
                        .cmd("blockdev-reopen", "{'options':[{'driver':'null-co','node-name':'n','size':1048576,"
                                + "'read-only':true}]}")
                        .graph()
                        .cmd("blockdev-reopen", "{'options':[{'driver':'null-co','node-name':'n','size':1048576}]}")
                        .cmd("blockdev-reopen", "{'options':[{'driver':'null-co','node-name':'n','size':1048576,"
                                + "'read-only':true},{'driver':'null-co','node-name':'n','size':1048576}]}"),
                chain("stream")
                        .cmd("block-stream", "{'job-id':'s','device':'top'}")
                        .await("BLOCK_JOB_COMPLETED", "s")
                        .await("JOB_STATUS_CHANGE", "s/null")
                        .io("top", "read -P 0x11 0 64k")
                        .io("top", "read -P 0x22 64k 64k"),
                chain("commit")
                        .cmd("block-commit", "{'job-id':'c','device':'top','top-node':'mid','base-node':'base'}")
                        .await("BLOCK_JOB_COMPLETED", "c")
                        .await("JOB_STATUS_CHANGE", "c/null")
                        .io("top", "read -P 0x11 0 64k")
                        .io("top", "read -P 0x22 64k 64k")
                        .io("base", "read -P 0x22 64k 64k"),
                chain("active-commit")
                        .io("top", "write -P 0x44 128k 64k")
                        .cmd("block-commit", "{'job-id':'ac','device':'top'}")
                        .await("BLOCK_JOB_READY", "ac")
                        .cmd("job-finalize", "{'id':'ac'}")
                        .cmd("job-dismiss", "{'id':'ac'}")
                        .cmd("block-job-set-speed", "{'device':'ac','speed':-1}")
                        .cmd("job-complete", "{'id':'ac'}")
                        .await("BLOCK_JOB_COMPLETED", "ac")
                        .await("JOB_STATUS_CHANGE", "ac/null")
                        .io("base", "read -P 0x44 128k 64k")
                        .io("base", "read -P 0x22 64k 64k"),
                chain("stream-errors")
                        .cmd("block-stream", "{'device':'nope','job-id':'s'}")
                        .cmd("block-stream", "{'device':'top','job-id':'s','base-node':'nope'}")
                        .cmd("block-stream", "{'device':'top','job-id':'s','base-node':'top'}")
                        .cmd("block-stream", "{'device':'top','job-id':'s','base-node':'base','bottom':'mid'}")
                        .cmd("block-stream", "{'device':'top','job-id':'1s'}")
                        .cmd("block-stream", "{'device':'top','job-id':'s','on-error':'explode'}")
                        .cmd("block-stream", "{'device':'top','job-id':'s','base-node':'mid'}")
                        .await("JOB_STATUS_CHANGE", "s/null")
                        .io("top", "read -P 0x22 64k 64k")
                        .io("top", "read -P 0 0 64k"),
                chain("commit-errors")
                        .cmd("block-commit", "{'device':'nope','job-id':'c'}")
                        .cmd("block-commit", "{'device':'top','job-id':'c','top-node':'nope'}")
                        .cmd("block-commit", "{'device':'top','job-id':'c','base-node':'nope'}")
                        .cmd("block-commit", "{'device':'top','job-id':'c','top-node':'base','base-node':'mid'}")
                        .cmd("block-commit", "{'device':'top','job-id':'c','top-node':'mid','base-node':'mid'}")
                        .cmd("block-commit", "{'device':'mid','job-id':'c'}"),
                chain("negative-speed")
                        .cmd("block-stream", "{'device':'top','job-id':'s','speed':-1}")
                        .cmd("block-commit", "{'device':'top','job-id':'c','speed':-1}"),
                chain("job-pause-resume-ready")
                        .cmd("block-commit", "{'job-id':'ac','device':'top'}")
                        .await("BLOCK_JOB_READY", "ac")
                        .cmd("job-pause", "{'id':'ac'}")
                        .await("JOB_STATUS_CHANGE", "ac/standby")
                        .cmd("job-pause", "{'id':'ac'}")
                        .cmd("block-job-cancel", "{'device':'ac'}")
                        .cmd("job-finalize", "{'id':'ac'}")
                        .cmd("job-dismiss", "{'id':'ac'}")
                        .cmd("job-resume", "{'id':'ac'}")
                        .await("JOB_STATUS_CHANGE", "ac/ready")
                        .cmd("job-resume", "{'id':'ac'}")
                        .cmd("job-complete", "{'id':'ac'}")
                        .await("BLOCK_JOB_COMPLETED", "ac")
                        .await("JOB_STATUS_CHANGE", "ac/null")
                        .cmd("job-resume", "{'id':'ac'}")
                        .cmd("block-job-cancel", "{'device':'ac'}")
                        .io("base", "read -P 0x22 64k 64k"),
                s("job-verbs-no-job")
                        .cmd("job-pause", "{'id':'j'}")
                        .cmd("job-resume", "{'id':'j'}")
                        .cmd("job-cancel", "{'id':'j'}")
                        .cmd("job-complete", "{'id':'j'}")
                        .cmd("job-finalize", "{'id':'j'}")
                        .cmd("job-dismiss", "{'id':'j'}")
                        .cmd("block-job-pause", "{'device':'j'}")
                        .cmd("block-job-cancel", "{'device':'j'}")
                        .cmd("block-job-set-speed", "{'device':'j','speed':1}")
                        .cmd("block-job-dismiss", "{'id':'j'}")
                        .cmd("query-jobs"),
                chain("frozen-chain")
                        .cmd("block-commit", "{'job-id':'ac','device':'top','base-node':'base'}")
                        .await("BLOCK_JOB_READY", "ac")
                        .cmd("blockdev-reopen", "{'options':[{'driver':'qcow2','node-name':'top','file':'top-file',"
                                + "'backing':null}]}")
                        .cmd("blockdev-reopen", "{'options':[{'driver':'qcow2','node-name':'mid','file':'mid-file',"
                                + "'backing':null}]}")
                        .cmd("blockdev-del", "{'node-name':'base'}")
                        .cmd("block-commit", "{'job-id':'ac2','device':'mid','base-node':'base'}")
                        .cmd("block-commit", "{'job-id':'ac','device':'top'}")
                        .cmd("job-cancel", "{'id':'ac'}")
                        .await("JOB_STATUS_CHANGE", "ac/null"));
    }
}
