package org.jdsm.coherence;

import org.jdsm.DsmException;
import org.jdsm.DsmNode;
import org.jdsm.DsmTask;
import org.jdsm.NodeUnavailableException;
import org.jdsm.RemoteTaskException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * Runs a task spawned on its own node on the node's workers without Java serialization and without a message.
 * <p>
 * A task lambda's captured values are found through its {@code writeReplace} ({@link SerializedLambda}, no byte
 * stream), and each handle among them goes through the same {@link TaskScope} steps as on the wire: its
 * {@code writeReplace} on the spawning side (a {@code DBox} or {@code DVec} moved, a {@code Ref} or {@code Mut} lent,
 * a {@code DArc} or {@code DMutex} shared with one more count) and its token's {@code readResolve} on the running
 * side, so the task runs on handles of its own, which end when it returns exactly as on a peer. The lambda is then
 * rebuilt with those handles by its capturing class's {@code $deserializeLambda$} (a lambda capturing only immutable
 * values runs as it is). Captured values that can not hold a
 * handle (strings, boxed primitives, enums) are passed as they are, primitive and string arrays as copies, and
 * arrays, serializable records and lists holding handles are copied around their handles' tokens
 * ({@link TaskCaptures}). A task capturing anything else (another class, a cycle), or not a lambda,
 * is serialized and deserialized in memory, whole, exactly as for a peer (one object graph, its handles handed over
 * by their {@code writeReplace} and {@code readResolve} under the same scopes), and still runs on the local workers
 * with no message. A result that is a value, a handle or such a container is handed over the same way; another
 * object is serialized and deserialized in memory, with the handles in it moved. A failure completes the future with a
 * {@link RemoteTaskException} whose cause is the task's exception, as from a peer.
 * <p>
 * The future returned is the queued task itself ({@link LocalTask}): a thread that joins it ({@code get()} or
 * {@code join()}) before a worker has started it runs it inline, so a spawn and join on the own node costs a method
 * call and the hand-over of its captured handles, not two thread hand-offs. The task runs exactly once, and sees
 * the same on either thread, with one difference a task should not depend on: inline, it runs on the joining
 * thread, with that thread's thread-locals and monitors.
 * <p>
 * <b>Note:</b> threadsafe.
 */
final class LocalTaskRunner
{
    private static final ClassValue<Method> WRITE_REPLACE = new ClassValue<>()
    {
        protected Method computeValue(final Class<?> type)
        {
            return accessible(type, "writeReplace");
        }
    };

    private static final ClassValue<Method> READ_RESOLVE = new ClassValue<>()
    {
        protected Method computeValue(final Class<?> type)
        {
            return accessible(type, "readResolve");
        }
    };

    /**
     * Whether a class is a serializable lambda whose captured fields are all of types that can only hold immutable
     * values that can not hold a handle (primitives, strings, boxed primitives, enums), so it runs as it is.
     */
    private static final ClassValue<Boolean> CAPTURES_ONLY_IMMUTABLES = new ClassValue<>()
    {
        protected Boolean computeValue(final Class<?> type)
        {
            if ((!type.isSynthetic() && !type.isHidden()) || null == WRITE_REPLACE.get(type))
            {
                return Boolean.FALSE;
            }
            for (final Field field : type.getDeclaredFields())
            {
                if (!Modifier.isStatic(field.getModifiers()) && !isScalar(field.getType()))
                {
                    return Boolean.FALSE;
                }
            }
            return Boolean.TRUE;
        }
    };

    private final DsmNode face;
    private final HeapAccess node;
    private final Executor workers;
    private final AtomicInteger activeTasks;
    private final Counters counters;
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();

    /**
     * @param face        the node tasks run on, passed to them.
     * @param node        heap of that node.
     * @param workers     of the node.
     * @param activeTasks the node's count of tasks queued or running, its load.
     * @param counters    of the node.
     */
    LocalTaskRunner(
        final DsmNode face,
        final HeapAccess node,
        final Executor workers,
        final AtomicInteger activeTasks,
        final Counters counters)
    {
        this.face = face;
        this.node = node;
        this.workers = workers;
        this.activeTasks = activeTasks;
        this.counters = counters;
    }

    /**
     * Run a task on this node's workers, with no message.
     *
     * @param task to run.
     * @param <R>  type of its result.
     * @return its future.
     */
    <R> CompletableFuture<R> spawn(final DsmTask<R> task)
    {
        final LocalTask<R> local = prepare(task);
        submit(local);

        return local;
    }

    /**
     * Run a task on the calling thread at once, as a worker would run it (moves, lends, scope, failure as
     * {@link RemoteTaskException}): never queued, so no worker is woken for it.
     *
     * @param task to run.
     * @param <R>  type of its result.
     * @return its completed future.
     */
    <R> CompletableFuture<R> call(final DsmTask<R> task)
    {
        final LocalTask<R> local = prepare(task);
        pending.add(local);
        activeTasks.incrementAndGet();
        local.runIfUnclaimed();

        return local;
    }

    /**
     * The task as it will run here: its captured handles handed over, not yet queued.
     *
     * @return it.
     */
    private <R> LocalTask<R> prepare(final DsmTask<R> task)
    {
        if (CAPTURES_ONLY_IMMUTABLES.get(task.getClass()))
        {
            // its fields' types admit only values that can not hold a handle: no need to look at them
            return newTask(task, null, null, null, null, null, new TaskScope(node, node.nodeId(), false));
        }
        final SerializedLambda lambda = SerializableLambdas.of(task);
        if (null == lambda)
        {
            return serialized(task);
        }
        final int count = lambda.getCapturedArgCount();
        final List<String> allowedPackages = node.config().taskAllowedPackages();
        boolean rebuild = false;
        for (int i = 0; i < count; i++)
        {
            final Object arg = lambda.getCapturedArg(i);
            if (!TaskCaptures.isHandedOver(arg, allowedPackages))
            {
                return serialized(task);
            }
            rebuild |= TaskCaptures.needsHandOver(arg);
        }
        if (!rebuild)
        {
            // only immutable values captured: the task itself runs, as its deserialized copy would
            return newTask(task, null, null, null, null, null, new TaskScope(node, node.nodeId(), false));
        }
        final Class<?> capturing = capturingClass(lambda, task);
        final Method deserialize = SerializableLambdas.deserializer(capturing);
        if (null == deserialize)
        {
            return serialized(task);
        }

        final TaskScope spawnScope = new TaskScope(node, node.nodeId(), false);
        final Object[] tokens = new Object[count];
        final IdentityHashMap<Object, Object> memo = new IdentityHashMap<>();
        spawnScope.enter();
        try
        {
            for (int i = 0; i < count; i++)
            {
                tokens[i] = TaskCaptures.handOver(lambda.getCapturedArg(i), memo);
            }
        }
        catch (final RuntimeException ex)
        {
            spawnScope.exit();
            spawnScope.abort();
            throw ex;
        }
        spawnScope.exit();

        return newTask(null, null, lambda, capturing, deserialize, tokens, spawnScope);
    }

    /**
     * The task serialized in memory under its spawn scope, exactly as {@code TaskRuntime.spawnOn} does for a peer,
     * to be deserialized under its run scope when it runs.
     */
    private <R> LocalTask<R> serialized(final DsmTask<R> task)
    {
        final TaskScope spawnScope = new TaskScope(node, node.nodeId(), false);
        final byte[] bytes = TaskCodec.serializeTask(spawnScope, task);

        return newTask(null, bytes, null, null, null, null, spawnScope);
    }

    private <R> LocalTask<R> newTask(
        final DsmTask<R> direct,
        final byte[] serializedTask,
        final SerializedLambda lambda,
        final Class<?> capturing,
        final Method deserialize,
        final Object[] tokens,
        final TaskScope spawnScope)
    {
        return new LocalTask<>(this, direct, serializedTask, lambda, capturing, deserialize, tokens, spawnScope);
    }

    private void submit(final LocalTask<?> task)
    {
        final TaskScope spawnScope = task.spawnScope;
        pending.add(task);
        activeTasks.incrementAndGet();
        try
        {
            workers.execute(task);
        }
        catch (final RejectedExecutionException ex)
        {
            activeTasks.decrementAndGet();
            pending.remove(task);
            spawnScope.abort();
            throw new NodeUnavailableException(node.nodeId(), "node " + node.nodeId() + " closed");
        }
    }

    /**
     * Fail every task not yet completed: the node closed.
     *
     * @param failure to complete them with.
     */
    void failAll(final RuntimeException failure)
    {
        for (final CompletableFuture<?> future : pending)
        {
            future.completeExceptionally(failure);
        }
        pending.clear();
    }

    /**
     * Run a claimed task on the thread that joins it, as a worker would: the thread's current {@link TaskScope}, if
     * it is inside one, is restored after, since the task's own scopes end by clearing it.
     */
    private void runInline(final LocalTask<?> task)
    {
        final TaskScope outer = TaskScope.currentOrNull();
        try
        {
            run(task);
        }
        finally
        {
            if (null != outer)
            {
                outer.enter();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private <R> void run(final LocalTask<R> future)
    {
        final DsmTask<?> direct = future.direct;
        final byte[] serializedTask = future.serializedTask;
        final SerializedLambda lambda = future.lambda;
        final Class<?> capturing = future.capturing;
        final Method deserialize = future.deserialize;
        final Object[] tokens = future.tokens;
        final TaskScope spawnScope = future.spawnScope;
        future.clear();
        final int nodeId = node.nodeId();
        final TaskScope runScope = new TaskScope(node, nodeId, false);
        Object result = null;
        Throwable failure = null;
        try
        {
            DsmTask<?> task = direct;
            if (null != serializedTask)
            {
                runScope.enter();
                try
                {
                    task = (DsmTask<?>)TaskCodec.deserialize(serializedTask, "task on node " + nodeId + " from itself");
                }
                finally
                {
                    runScope.exit();
                }
            }
            else if (null == task)
            {
                final Object[] args = new Object[tokens.length];
                final IdentityHashMap<Object, Object> memo = new IdentityHashMap<>();
                runScope.enter();
                try
                {
                    for (int i = 0; i < tokens.length; i++)
                    {
                        args[i] = TaskCaptures.resolve(tokens[i], memo);
                    }
                }
                finally
                {
                    runScope.exit();
                }
                task = (DsmTask<?>)invoke(deserialize, null, rebuilt(lambda, capturing, args));
            }
            final Object value = task.run(face);
            runScope.beginResult();
            runScope.enter();
            try
            {
                result = handOverResult(value, task);
            }
            finally
            {
                runScope.exit();
            }
        }
        catch (final Throwable ex)
        {
            failure = ex;
        }

        final RuntimeException endFailure = runScope.taskEnded();
        if (null != endFailure && null == failure)
        {
            failure = endFailure;
        }
        counters.increment(Counters.TASKS_RUN);
        activeTasks.decrementAndGet();

        try
        {
            spawnScope.returned();
            if (null == failure)
            {
                final TaskScope resultScope = new TaskScope(node, nodeId, true).enter();
                try
                {
                    result = resolveResult(result);
                }
                finally
                {
                    resultScope.exit();
                }
            }
        }
        catch (final Throwable ex)
        {
            if (null == failure)
            {
                failure = ex;
            }
        }

        pending.remove(future);
        if (null == failure)
        {
            future.complete((R)result);
        }
        else
        {
            future.completeExceptionally(remoteFailure(nodeId, failure));
        }
    }

    private static RemoteTaskException remoteFailure(final int nodeId, final Throwable failure)
    {
        final StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        final RemoteTaskException remote = new RemoteTaskException(nodeId, text.toString());
        remote.initCause(failure);
        return remote;
    }

    /**
     * What a handle becomes on the spawning side: its token, moved, lent or shared through the current scope.
     *
     * @param handle a jdsm handle ({@link #isHandle}).
     * @return its token.
     */
    static Object handOverHandle(final Object handle)
    {
        return invoke(WRITE_REPLACE.get(handle.getClass()), handle);
    }

    /**
     * A token back to the handle it stands for, as deserialization would resolve it.
     *
     * @param token from a handle's {@code writeReplace}, or any other value (returned as it is).
     * @return the handle, or the value.
     */
    static Object resolve(final Object token)
    {
        if (null == token)
        {
            return null;
        }
        final Method readResolve = READ_RESOLVE.get(token.getClass());
        return null == readResolve ? token : invoke(readResolve, token);
    }

    /**
     * A result on the running side, under its scope: a handle to its token (moved, with its count), a value as it is,
     * arrays, records and lists copied around their handles' tokens ({@link TaskCaptures}), anything else
     * serialized with the handles in it moved.
     */
    private Object handOverResult(final Object value, final DsmTask<?> task)
    {
        if (isHandle(value))
        {
            return invoke(WRITE_REPLACE.get(value.getClass()), value);
        }
        if (isPassable(value))
        {
            return value;
        }
        if (TaskCaptures.isHandedOver(value, node.config().taskAllowedPackages()))
        {
            return TaskCaptures.handOver(value, new IdentityHashMap<>());
        }

        return new Serialized(TaskCodec.serialize(value, "result of task " + task.getClass().getName()));
    }

    private Object resolveResult(final Object result)
    {
        if (result instanceof Serialized)
        {
            return TaskCodec.deserialize(((Serialized)result).bytes, "result from node " + node.nodeId());
        }

        return TaskCaptures.resolve(result, new IdentityHashMap<>());
    }

    static boolean isHandle(final Object value)
    {
        return value instanceof BoxHandle || value instanceof SharedBorrow || value instanceof ExclusiveBorrow ||
            value instanceof SharedObjectHandle || value instanceof VecHandle;
    }

    /**
     * Whether a value can be handed to a task on this node without serialization: a handle, or a value that can
     * not hold one.
     */
    private static boolean isPassable(final Object value)
    {
        if (null == value || isHandle(value))
        {
            return true;
        }
        final Class<?> type = value.getClass();
        return isScalar(type) || value instanceof Enum ||
            (type.isArray() && (type.getComponentType().isPrimitive() || type == String[].class));
    }

    /**
     * Whether a class admits only immutable values that can not hold a handle: primitives, strings, boxed
     * primitives, enums.
     */
    static boolean isScalar(final Class<?> type)
    {
        return type.isPrimitive() || type == String.class || type == Long.class || type == Integer.class ||
            type == Double.class || type == Boolean.class || type == Short.class || type == Byte.class ||
            type == Character.class || type == Float.class || type.isEnum();
    }

    static Object copyOfArray(final Object array)
    {
        if (array instanceof String[])
        {
            return ((String[])array).clone();
        }
        if (array instanceof long[])
        {
            return ((long[])array).clone();
        }
        if (array instanceof int[])
        {
            return ((int[])array).clone();
        }
        if (array instanceof byte[])
        {
            return ((byte[])array).clone();
        }
        if (array instanceof double[])
        {
            return ((double[])array).clone();
        }
        if (array instanceof char[])
        {
            return ((char[])array).clone();
        }
        if (array instanceof float[])
        {
            return ((float[])array).clone();
        }
        if (array instanceof short[])
        {
            return ((short[])array).clone();
        }

        return ((boolean[])array).clone();
    }

    private static Class<?> capturingClass(final SerializedLambda lambda, final Object task)
    {
        final String name = lambda.getCapturingClass().replace('/', '.');
        try
        {
            return Class.forName(name, false, task.getClass().getClassLoader());
        }
        catch (final ClassNotFoundException ex)
        {
            throw new DsmException("task " + task.getClass().getName() + ": capturing class " + name +
                " not found: " + ex, ex);
        }
    }

    private static SerializedLambda rebuilt(final SerializedLambda lambda, final Class<?> capturing, final Object[] args)
    {
        return new SerializedLambda(
            capturing,
            lambda.getFunctionalInterfaceClass(),
            lambda.getFunctionalInterfaceMethodName(),
            lambda.getFunctionalInterfaceMethodSignature(),
            lambda.getImplMethodKind(),
            lambda.getImplClass(),
            lambda.getImplMethodName(),
            lambda.getImplMethodSignature(),
            lambda.getInstantiatedMethodType(),
            args);
    }

    private static Object invoke(final Method method, final Object target, final Object... args)
    {
        try
        {
            return method.invoke(target, args);
        }
        catch (final InvocationTargetException ex)
        {
            final Throwable cause = ex.getCause();
            if (cause instanceof RuntimeException)
            {
                throw (RuntimeException)cause;
            }
            if (cause instanceof Error)
            {
                throw (Error)cause;
            }
            throw new DsmException(method + " failed: " + cause, cause);
        }
        catch (final IllegalAccessException ex)
        {
            throw new DsmException(method + " is not accessible: " + ex, ex);
        }
    }

    private static Method accessible(final Class<?> type, final String name)
    {
        for (Class<?> c = type; null != c; c = c.getSuperclass())
        {
            try
            {
                final Method method = c.getDeclaredMethod(name);
                method.setAccessible(true);
                return method;
            }
            catch (final NoSuchMethodException ignore)
            {
                // look in the superclass, as serialization does
            }
            catch (final RuntimeException ex)
            {
                return null;
            }
        }

        return null;
    }

    /**
     * A task queued on the workers and the future of its result. It runs exactly once, on whichever thread claims it
     * first (one compare-and-set of {@link #claimed}): the worker that takes it from the queue, or a thread that calls
     * {@link #get()} or {@link #join()} before any worker started it, which then runs it inline, as a method call,
     * instead of waiting for a worker and being woken (work-stealing in the manner of {@code ForkJoinTask}). Either
     * way the task sees the same things: its own handles resolved from the tokens, its scope, its failure as a
     * {@link RemoteTaskException}. A worker that finds it claimed drops it. A timed {@link #get(long, TimeUnit)} never
     * runs it inline, so it never waits longer than asked.
     * <p>
     * <b>Note:</b> threadsafe, as {@link CompletableFuture}; its spawning fields are read only by the claiming thread.
     */
    static final class LocalTask<R> extends CompletableFuture<R> implements Runnable
    {
        private static final AtomicIntegerFieldUpdater<LocalTask> CLAIMED =
            AtomicIntegerFieldUpdater.newUpdater(LocalTask.class, "claimed");

        private final LocalTaskRunner runner;
        private DsmTask<R> direct;
        private byte[] serializedTask;
        private SerializedLambda lambda;
        private Class<?> capturing;
        private Method deserialize;
        private Object[] tokens;
        private TaskScope spawnScope;
        private volatile int claimed;

        LocalTask(
            final LocalTaskRunner runner,
            final DsmTask<R> direct,
            final byte[] serializedTask,
            final SerializedLambda lambda,
            final Class<?> capturing,
            final Method deserialize,
            final Object[] tokens,
            final TaskScope spawnScope)
        {
            this.runner = runner;
            this.direct = direct;
            this.serializedTask = serializedTask;
            this.lambda = lambda;
            this.capturing = capturing;
            this.deserialize = deserialize;
            this.tokens = tokens;
            this.spawnScope = spawnScope;
        }

        /**
         * Run by a worker: the task, unless a joining thread claimed it first.
         */
        public void run()
        {
            if (claim())
            {
                runner.run(this);
            }
        }

        /**
         * Wait for the result, first running the task on this thread if no worker has started it.
         * <p>
         * {@inheritDoc}
         */
        public R get() throws InterruptedException, ExecutionException
        {
            runIfUnclaimed();
            return super.get();
        }

        /**
         * Wait for the result, first running the task on this thread if no worker has started it.
         * <p>
         * {@inheritDoc}
         */
        public R join()
        {
            runIfUnclaimed();
            return super.join();
        }

        void runIfUnclaimed()
        {
            if (claim())
            {
                runner.runInline(this);
            }
        }

        private boolean claim()
        {
            return 0 == claimed && CLAIMED.compareAndSet(this, 0, 1);
        }

        /**
         * Drop what the claiming thread took, so a completed future held by the caller keeps nothing of the task.
         */
        private void clear()
        {
            direct = null;
            serializedTask = null;
            lambda = null;
            capturing = null;
            deserialize = null;
            tokens = null;
            spawnScope = null;
        }
    }

    /**
     * A result that is neither a value nor a handle, serialized on the running side.
     */
    private static final class Serialized
    {
        final byte[] bytes;

        Serialized(final byte[] bytes)
        {
            this.bytes = bytes;
        }
    }
}
