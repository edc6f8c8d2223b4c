using Platform.Storage;

namespace Platform.Events.Log;

/// <summary>The database the events module keeps its tables in: the hosting service's (Billing's).</summary>
public sealed record EventsDatabase(Database Database);
