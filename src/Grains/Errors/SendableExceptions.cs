using System.Runtime.ExceptionServices;
using Sluice.Contracts;

namespace Sluice.Errors;

/// <summary>
/// Decides whether an exception can cross a grain call to any caller, a client included, and when it cannot, turns it
/// into <see cref="SluiceException"/>s that carry each message and type name. Orleans serializes an exception with its
/// inner exceptions; one type without a codec anywhere in that graph (a Kafka client's exception inside a clear
/// <see cref="InvalidOperationException"/>) would reach the caller as a <c>CodecNotFoundException</c> instead.
/// </summary>
internal static class SendableExceptions
{
    private static readonly System.Reflection.Assembly Contracts = typeof(SluiceException).Assembly;

    /// <summary><paramref name="e"/> itself when every part of it crosses as it is; otherwise its message form.</summary>
    public static Exception For(Exception e) => IsSendable(e) ? e : ToMessages(e);

    /// <summary>
    /// True when the exception, its inner exceptions and its <see cref="Exception.Data"/> all have codecs a client has:
    /// the contract types (generated serializers in Grains.Interfaces), and the System, Microsoft and Orleans types
    /// that Orleans' own exception codec and generated serializers cover.
    /// </summary>
    public static bool IsSendable(Exception e)
    {
        if (!HasClientCodec(e.GetType()) || !DataIsPlain(e))
        {
            return false;
        }
        return e is AggregateException aggregate
            ? aggregate.InnerExceptions.All(IsSendable)
            : e.InnerException is null || IsSendable(e.InnerException);
    }

    private static Exception ToMessages(Exception e)
    {
        var inner = e is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[0] : e.InnerException;
        var converted = new SluiceException(e.GetType().FullName ?? e.GetType().Name, e.Message, inner is null ? null : For(inner));
        if (e.StackTrace is { } stack)
        {
            ExceptionDispatchInfo.SetRemoteStackTrace(converted, stack);
        }
        return converted;
    }

    private static bool HasClientCodec(Type type)
    {
        if (type.Assembly == Contracts)
        {
            return true;
        }
        var ns = type.Namespace ?? "";
        return ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal)
            || ns.StartsWith("Microsoft.", StringComparison.Ordinal)
            || ns == "Orleans" || ns.StartsWith("Orleans.", StringComparison.Ordinal);
    }

    private static bool DataIsPlain(Exception e)
    {
        foreach (System.Collections.DictionaryEntry entry in e.Data)
        {
            if (!IsPlain(entry.Key) || !IsPlain(entry.Value))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsPlain(object? value) => value is null or string || value.GetType().IsPrimitive;
}
