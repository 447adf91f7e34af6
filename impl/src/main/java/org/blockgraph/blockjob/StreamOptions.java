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

    /** Streaming the whole chain into {@code device}. */
    public static StreamOptions of(String device) {
        return new StreamOptions(null, device, null, null, null, null, false, 0, OnError.REPORT, null, true, true);
    }

    public StreamOptions jobId(String v) {
        return new StreamOptions(v, device, base, baseNode, bottom, backingFile, backingMaskProtocol, speed, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    public StreamOptions base(String v) {
        return new StreamOptions(jobId, device, v, baseNode, bottom, backingFile, backingMaskProtocol, speed, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    public StreamOptions baseNode(String v) {
        return new StreamOptions(jobId, device, base, v, bottom, backingFile, backingMaskProtocol, speed, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    public StreamOptions bottom(String v) {
        return new StreamOptions(jobId, device, base, baseNode, v, backingFile, backingMaskProtocol, speed, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    public StreamOptions backingFile(String v) {
        return new StreamOptions(jobId, device, base, baseNode, bottom, v, backingMaskProtocol, speed, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    /** {@code backing-mask-protocol}: record {@code raw} as the backing format of a protocol base. */
    public StreamOptions backingMaskProtocol(boolean v) {
        return new StreamOptions(jobId, device, base, baseNode, bottom, backingFile, v, speed, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    public StreamOptions speed(long v) {
        return new StreamOptions(jobId, device, base, baseNode, bottom, backingFile, backingMaskProtocol, v, onError,
                filterNodeName, autoFinalize, autoDismiss);
    }

    public StreamOptions onError(OnError v) {
        return new StreamOptions(jobId, device, base, baseNode, bottom, backingFile, backingMaskProtocol, speed, v,
                filterNodeName, autoFinalize, autoDismiss);
    }

    public StreamOptions filterNodeName(String v) {
        return new StreamOptions(jobId, device, base, baseNode, bottom, backingFile, backingMaskProtocol, speed, onError,
                v, autoFinalize, autoDismiss);
    }

    public StreamOptions autoFinalize(boolean v) {
        return new StreamOptions(jobId, device, base, baseNode, bottom, backingFile, backingMaskProtocol, speed, onError,
                filterNodeName, v, autoDismiss);
    }

    public StreamOptions autoDismiss(boolean v) {
        return new StreamOptions(jobId, device, base, baseNode, bottom, backingFile, backingMaskProtocol, speed, onError,
                filterNodeName, autoFinalize, v);
    }
}
