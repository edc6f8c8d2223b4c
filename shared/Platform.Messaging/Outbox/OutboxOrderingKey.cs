namespace Platform.Messaging.Outbox;

/// <summary>
/// What a message's order matters against: its subject (a reservation, a run, a job). The relay keeps
/// messages with the same key in sequence order and lets messages with different keys overtake one
/// another, so it can have many publishes waiting for their broker confirms at once. A message type
/// without a key is published alone: after every earlier message is confirmed and before any later
/// one starts, i.e. in the order of the whole outbox. Register with
/// <see cref="BusRegistration.AddOutboxOrderingKey{T}"/>.
/// </summary>
public sealed class OutboxOrderingKey
{
    private readonly Func<object, string?> _key;

    private OutboxOrderingKey(Type messageType, Func<object, string?> key)
    {
        MessageType = messageType;
        _key = key;
    }

    public Type MessageType { get; }

    public static OutboxOrderingKey For<T>(Func<T, string?> key)
        where T : class =>
        new(typeof(T), message => key((T)message));

    public string? KeyOf(object message) => _key(message);
}

/// <summary>The ordering keys registered in the host, by exact message type.</summary>
public sealed class OutboxOrdering(IEnumerable<OutboxOrderingKey> keys)
{
    private readonly Dictionary<Type, OutboxOrderingKey> _keys = keys
        .GroupBy(k => k.MessageType)
        .ToDictionary(g => g.Key, g => g.Last());

    /// <summary>The message's ordering key; null when its type has none (the message is then published alone, in outbox order).</summary>
    public string? KeyOf(object message) =>
        _keys.TryGetValue(message.GetType(), out var key) ? key.KeyOf(message) : null;
}
