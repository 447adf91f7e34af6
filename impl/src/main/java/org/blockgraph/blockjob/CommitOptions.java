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

    /** The arguments without {@code backing-mask-protocol} (false), in the order QMP lists them. */
    public CommitOptions(String jobId, String device, String top, String topNode, String base, String baseNode,
                         String backingFile, long speed, OnError onError, String filterNodeName,
                         boolean autoFinalize, boolean autoDismiss) {
        this(jobId, device, top, topNode, base, baseNode, backingFile, false, speed, onError, filterNodeName,
                autoFinalize, autoDismiss);
    }

    /** Committing {@code device}'s active layer into the bottom of its chain. */
    public static CommitOptions of(String device) {
        return new CommitOptions(null, device, null, null, null, null, null, false, 0, OnError.REPORT, null, true,
                true);
    }

    public CommitOptions jobId(String v) {
        return new CommitOptions(v, device, top, topNode, base, baseNode, backingFile, backingMaskProtocol,
                speed, onError, filterNodeName, autoFinalize, autoDismiss);
    }

    public CommitOptions top(String v) {
        return new CommitOptions(jobId, device, v, topNode, base, baseNode, backingFile, backingMaskProtocol,
                speed, onError, filterNodeName, autoFinalize, autoDismiss);
    }

    public CommitOptions topNode(String v) {
        return new CommitOptions(jobId, device, top, v, base, baseNode, backingFile, backingMaskProtocol,
                speed, onError, filterNodeName, autoFinalize, autoDismiss);
    }

    public CommitOptions base(String v) {
        return new CommitOptions(jobId, device, top, topNode, v, baseNode, backingFile, backingMaskProtocol,
                speed, onError, filterNodeName, autoFinalize, autoDismiss);
    }

    public CommitOptions baseNode(String v) {
        return new CommitOptions(jobId, device, top, topNode, base, v, backingFile, backingMaskProtocol,
                speed, onError, filterNodeName, autoFinalize, autoDismiss);
    }

    public CommitOptions backingFile(String v) {
        return new CommitOptions(jobId, device, top, topNode, base, baseNode, v, backingMaskProtocol,
                speed, onError, filterNodeName, autoFinalize, autoDismiss);
    }

    /** {@code backing-mask-protocol}: record {@code raw} as the backing format of a protocol base. */
    public CommitOptions backingMaskProtocol(boolean v) {
        return new CommitOptions(jobId, device, top, topNode, base, baseNode, backingFile, v, speed, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    public CommitOptions speed(long v) {
        return new CommitOptions(jobId, device, top, topNode, base, baseNode, backingFile, backingMaskProtocol,
                v, onError, filterNodeName, autoFinalize, autoDismiss);
    }

    public CommitOptions onError(OnError v) {
        return new CommitOptions(jobId, device, top, topNode, base, baseNode, backingFile, backingMaskProtocol,
                speed, v, filterNodeName, autoFinalize, autoDismiss);
    }

    public CommitOptions filterNodeName(String v) {
        return new CommitOptions(jobId, device, top, topNode, base, baseNode, backingFile, backingMaskProtocol,
                speed, onError, v, autoFinalize, autoDismiss);
    }

    public CommitOptions autoFinalize(boolean v) {
        return new CommitOptions(jobId, device, top, topNode, base, baseNode, backingFile, backingMaskProtocol,
                speed, onError, filterNodeName, v, autoDismiss);
    }

    public CommitOptions autoDismiss(boolean v) {
        return new CommitOptions(jobId, device, top, topNode, base, baseNode, backingFile, backingMaskProtocol,
                speed, onError, filterNodeName, autoFinalize, v);
    }
}
