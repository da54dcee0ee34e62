package timemachine

import "runtime"

const runtimeIsDarwin = runtime.GOOS == "darwin"
