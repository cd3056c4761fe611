// Types of lanes-core.js for type-checking the module in this repository: the
// bundle is src/module-api.ts compiled with its dependencies. Inside the Dagger
// runtime ../../src does not exist; nothing there needs these types (tsx strips
// them, and the module's function signatures use only SDK and primitive types).
export * from '../../src/module-api.js';
