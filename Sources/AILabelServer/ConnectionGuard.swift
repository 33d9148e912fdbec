import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes connections that hold the server without finishing a request: headers not complete within
/// the header time (slow-loris), a request (its body included) not complete within the request time (a
/// chunked body that never ends, a trickle), and a connection after a response that said
/// `Connection: close` (a 413 or 408 sent before the body was read: the rest is not drained).
///
/// Sits after the HTTP decoder, so it sees request heads, bodies and ends; NIO's own limits already
/// refuse absurd headers (80 KB of header fields, 1,000 fields).
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let headerTimeout: TimeAmount
    let requestTimeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var closeAfterResponse = false

    init(headerTimeout: TimeAmount, requestTimeout: TimeAmount) {
        self.headerTimeout = headerTimeout
        self.requestTimeout = requestTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context, headerTimeout) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context, headerTimeout)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            // The headers are in: the whole request now has the request time.
            arm(context, requestTimeout)
        case .body:
            break
        case .end:
            // The request is read; the handler's own time limit covers the response. The next request's
            // headers get the header time once this response is sent.
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        switch part {
        case .head(let head):
            if head.headerFields[.connection]?.lowercased() == "close" { closeAfterResponse = true }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            if closeAfterResponse {
                let written = context.eventLoop.makePromise(of: Void.self)
                written.futureResult.cascade(to: promise)
                context.writeAndFlush(data, promise: written)
                written.futureResult.whenComplete { _ in context.close(promise: nil) }
            } else {
                context.write(data, promise: promise)
                arm(context, headerTimeout)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    private func arm(_ context: ChannelHandlerContext, _ time: TimeAmount) {
        disarm()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: time) { channel.close(promise: nil) }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
