package org.blockgraph.blockjob;

import org.blockgraph.job.OnError;

/**
 * Arguments of {@code block-stream} (reference §3.1). Null means "not given".
 *
 * @param jobId               job id; defaults to the device name of {@code device}'s node
 * @param device              BlockBackend name or node name
 * @param base                file name of the base image
 * @param baseNode            node name of the base
 * @param bottom              node name of the lowest node streamed from (not a filter)
 * @param backingFile         backing file string to record
 * @param backingMaskProtocol record {@code raw} as the format of a protocol base
 * @param speed               bytes per second, 0 unlimited
 * @param onError             on-error policy
 * @param filterNodeName      name of the copy-on-read filter (else implicit)
 * @param autoFinalize        auto-finalize
 * @param autoDismiss         auto-dismiss
 */
public record StreamOptions(String jobId, String device, String base, String baseNode, String bottom,
                            String backingFile, boolean backingMaskProtocol, long speed, OnError onError,
                            String filterNodeName, boolean autoFinalize, boolean autoDismiss) {

    /**
     * Streaming the whole chain into {@code device}.
     * @param device BlockBackend name or node name of the top of the chain
     * @return options with every other argument at its QMP default (on-error report, auto-finalize and auto-dismiss on)
     */
    public static StreamOptions of(String device) {
        return new StreamOptions(null, device, null, null, null, null, false, 0, OnError.REPORT, null, true, true);
    }

    /**
     * A copy with {@code job-id} (the job id) replaced.
     * @param v the job id, or null for the default
     * @return a copy of these options with {@code job-id} set to {@code v}
     */
    public StreamOptions jobId(String v) {
        return new StreamOptions(v, device, base, baseNode, bottom, backingFile, backingMaskProtocol, speed, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code base} (the base image's file name) replaced.
     * @param v the file name of the base image, or null
     * @return a copy of these options with {@code base} set to {@code v}
     */
    public StreamOptions base(String v) {
        return new StreamOptions(jobId, device, v, baseNode, bottom, backingFile, backingMaskProtocol, speed, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code base-node} (the base's node name) replaced.
     * @param v the node name of the base, or null
     * @return a copy of these options with {@code base-node} set to {@code v}
     */
    public StreamOptions baseNode(String v) {
        return new StreamOptions(jobId, device, base, v, bottom, backingFile, backingMaskProtocol, speed, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code bottom} (the lowest node streamed from) replaced.
     * @param v the node name of the bottom node, or null
     * @return a copy of these options with {@code bottom} set to {@code v}
     */
    public StreamOptions bottom(String v) {
        return new StreamOptions(jobId, device, base, baseNode, v, backingFile, backingMaskProtocol, speed, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code backing-file} (the backing file string recorded) replaced.
     * @param v the backing file string, or null
     * @return a copy of these options with {@code backing-file} set to {@code v}
     */
    public StreamOptions backingFile(String v) {
        return new StreamOptions(jobId, device, base, baseNode, bottom, v, backingMaskProtocol, speed, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * {@code backing-mask-protocol}: record {@code raw} as the backing format of a protocol base.
     * @param v true to record {@code raw} as the backing format
     * @return a copy of these options with {@code backing-mask-protocol} set to {@code v}
     */
    public StreamOptions backingMaskProtocol(boolean v) {
        return new StreamOptions(jobId, device, base, baseNode, bottom, backingFile, v, speed, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code speed} (the rate limit) replaced.
     * @param v the rate limit in bytes per second, 0 for unlimited
     * @return a copy of these options with {@code speed} set to {@code v}
     */
    public StreamOptions speed(long v) {
        return new StreamOptions(jobId, device, base, baseNode, bottom, backingFile, backingMaskProtocol, v, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code on-error} (the error policy) replaced.
     * @param v the on-error policy
     * @return a copy of these options with {@code on-error} set to {@code v}
     */
    public StreamOptions onError(OnError v) {
        return new StreamOptions(jobId, device, base, baseNode, bottom, backingFile, backingMaskProtocol, speed, v,
                filterNodeName, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code filter-node-name} (the copy-on-read filter's node name) replaced.
     * @param v the node name of the copy-on-read filter, or null for an implicit one
     * @return a copy of these options with {@code filter-node-name} set to {@code v}
     */
    public StreamOptions filterNodeName(String v) {
        return new StreamOptions(jobId, device, base, baseNode, bottom, backingFile, backingMaskProtocol, speed, onError,
                v, autoFinalize, autoDismiss);
    }

    /**
     * A copy with {@code auto-finalize} (whether the job finalizes by itself) replaced.
     * @param v the auto-finalize flag
     * @return a copy of these options with {@code auto-finalize} set to {@code v}
     */
    public StreamOptions autoFinalize(boolean v) {
        return new StreamOptions(jobId, device, base, baseNode, bottom, backingFile, backingMaskProtocol, speed, onError,
                filterNodeName, v, autoDismiss);
    }

    /**
     * A copy with {@code auto-dismiss} (whether the job is dismissed by itself) replaced.
     * @param v the auto-dismiss flag
     * @return a copy of these options with {@code auto-dismiss} set to {@code v}
     */
    public StreamOptions autoDismiss(boolean v) {
        return new StreamOptions(jobId, device, base, baseNode, bottom, backingFile, backingMaskProtocol, speed, onError,
                filterNodeName, autoFinalize, v);
    }
}
