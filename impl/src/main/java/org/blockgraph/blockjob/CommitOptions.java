package org.blockgraph.blockjob;

import org.blockgraph.job.OnError;

/**
 * Arguments of {@code block-commit} (reference §3.3). Null means "not given".
 *
 * @param jobId          job id; defaults to the device name
 * @param device         BlockBackend name or node name
 * @param top            file name of the top image
 * @param topNode        node name of the top
 * @param base           file name of the base image
 * @param baseNode       node name of the base
 * @param backingFile    backing file string to record in the overlay of top
 * @param backingMaskProtocol record {@code raw} as the backing format when the base is a protocol node
 * @param speed          bytes per second, 0 unlimited
 * @param onError        on-error policy
 * @param filterNodeName name of the commit_top / mirror_top filter (else implicit)
 * @param autoFinalize   auto-finalize
 * @param autoDismiss    auto-dismiss
 */
public record CommitOptions(String jobId, String device, String top, String topNode, String base, String baseNode,
                            String backingFile, boolean backingMaskProtocol, long speed, OnError onError,
                            String filterNodeName,                            boolean autoFinalize, boolean autoDismiss) {

    /**
     * The arguments without {@code backing-mask-protocol} (false), in the order QMP lists them.
     * @param jobId job id, or null for the device name
     * @param device BlockBackend name or node name of the active layer
     * @param top file name of the top image, or null
     * @param topNode node name of the top, or null
     * @param base file name of the base image, or null
     * @param baseNode node name of the base, or null
     * @param backingFile backing file string to record in the overlay of top, or null
     * @param speed bytes per second, 0 for unlimited
     * @param onError on-error policy
     * @param filterNodeName name of the commit_top / mirror_top filter, or null for an implicit one
     * @param autoFinalize whether the job finalizes without {@code job-finalize}
     * @param autoDismiss whether the job is dismissed without {@code job-dismiss}
     */
    public CommitOptions(String jobId, String device, String top, String topNode, String base, String baseNode,
                         String backingFile, long speed, OnError onError, String filterNodeName,
                         boolean autoFinalize, boolean autoDismiss) {
        this(jobId, device, top, topNode, base, baseNode, backingFile, false, speed, onError, filterNodeName,
                autoFinalize, autoDismiss);
    }

    /**
     * Committing {@code device}'s active layer into the bottom of its chain.
     * @param device BlockBackend name or node name of the active layer
     * @return options with every other argument at its QMP default (on-error report, auto-finalize and auto-dismiss on)
     */
    public static CommitOptions of(String device) {
        return new CommitOptions(null, device, null, null, null, null, null, false, 0, OnError.REPORT, null, true,
                true);
    }

    /**
     * A copy with {@code job-id} (the job id) replaced.
     * @param v the job id, or null for the device name
     * @return a copy of these options with {@code job-id} set to {@code v}
     */
    public CommitOptions jobId(String v) {
        return new CommitOptions(v, device, top, topNode, base, baseNode, backingFile, backingMaskProtocol,
                speed, onError, filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code top} (the top image's file name) replaced.
     * @param v the file name of the top image, or null
     * @return a copy of these options with {@code top} set to {@code v}
     */
    public CommitOptions top(String v) {
        return new CommitOptions(jobId, device, v, topNode, base, baseNode, backingFile, backingMaskProtocol,
                speed, onError, filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code top-node} (the top's node name) replaced.
     * @param v the node name of the top, or null
     * @return a copy of these options with {@code top-node} set to {@code v}
     */
    public CommitOptions topNode(String v) {
        return new CommitOptions(jobId, device, top, v, base, baseNode, backingFile, backingMaskProtocol,
                speed, onError, filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code base} (the base image's file name) replaced.
     * @param v the file name of the base image, or null
     * @return a copy of these options with {@code base} set to {@code v}
     */
    public CommitOptions base(String v) {
        return new CommitOptions(jobId, device, top, topNode, v, baseNode, backingFile, backingMaskProtocol,
                speed, onError, filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code base-node} (the base's node name) replaced.
     * @param v the node name of the base, or null
     * @return a copy of these options with {@code base-node} set to {@code v}
     */
    public CommitOptions baseNode(String v) {
        return new CommitOptions(jobId, device, top, topNode, base, v, backingFile, backingMaskProtocol,
                speed, onError, filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code backing-file} (the backing file string recorded in the overlay of top) replaced.
     * @param v the backing file string, or null
     * @return a copy of these options with {@code backing-file} set to {@code v}
     */
    public CommitOptions backingFile(String v) {
        return new CommitOptions(jobId, device, top, topNode, base, baseNode, v, backingMaskProtocol,
                speed, onError, filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * {@code backing-mask-protocol}: record {@code raw} as the backing format of a protocol base.
     * @param v true to record {@code raw} as the backing format
     * @return a copy of these options with {@code backing-mask-protocol} set to {@code v}
     */
    public CommitOptions backingMaskProtocol(boolean v) {
        return new CommitOptions(jobId, device, top, topNode, base, baseNode, backingFile, v, speed, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code speed} (the rate limit) replaced.
     * @param v the rate limit in bytes per second, 0 for unlimited
     * @return a copy of these options with {@code speed} set to {@code v}
     */
    public CommitOptions speed(long v) {
        return new CommitOptions(jobId, device, top, topNode, base, baseNode, backingFile, backingMaskProtocol,
                v, onError, filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code on-error} (the error policy) replaced.
     * @param v the on-error policy
     * @return a copy of these options with {@code on-error} set to {@code v}
     */
    public CommitOptions onError(OnError v) {
        return new CommitOptions(jobId, device, top, topNode, base, baseNode, backingFile, backingMaskProtocol,
                speed, v, filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code filter-node-name} (the filter's node name) replaced.
     * @param v the node name of the commit filter, or null for an implicit one
     * @return a copy of these options with {@code filter-node-name} set to {@code v}
     */
    public CommitOptions filterNodeName(String v) {
        return new CommitOptions(jobId, device, top, topNode, base, baseNode, backingFile, backingMaskProtocol,
                speed, onError, v, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code auto-finalize} (whether the job finalizes by itself) replaced.
     * @param v the auto-finalize flag
     * @return a copy of these options with {@code auto-finalize} set to {@code v}
     */
    public CommitOptions autoFinalize(boolean v) {
        return new CommitOptions(jobId, device, top, topNode, base, baseNode, backingFile, backingMaskProtocol,
                speed, onError, filterNodeName, v, autoDismiss);
    }

    /**
     * A copy with {@code auto-dismiss} (whether the job is dismissed by itself) replaced.
     * @param v the auto-dismiss flag
     * @return a copy of these options with {@code auto-dismiss} set to {@code v}
     */
    public CommitOptions autoDismiss(boolean v) {
        return new CommitOptions(jobId, device, top, topNode, base, baseNode, backingFile, backingMaskProtocol,
                speed, onError, filterNodeName, autoFinalize, v);
    }
}
