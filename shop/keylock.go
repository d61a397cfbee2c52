package shop

import "sync"

// keyLock is a mutex for each key in use, kept only while someone holds
// or waits for it.
type keyLock struct {
	mu   sync.Mutex
	keys map[string]*keyEntry
}

type keyEntry struct {
	sync.Mutex
	users int
}

// lock locks key and returns its unlock.
func (k *keyLock) lock(key string) (unlock func()) {
	k.mu.Lock()
	if k.keys == nil {
		k.keys = map[string]*keyEntry{}
	}
	e := k.keys[key]
	if e == nil {
		e = &keyEntry{}
		k.keys[key] = e
	}
	e.users++
	k.mu.Unlock()
	e.Lock()
	return func() {
		e.Unlock()
		k.mu.Lock()
		if e.users--; e.users == 0 {
			delete(k.keys, key)
		}
		k.mu.Unlock()
	}
}
