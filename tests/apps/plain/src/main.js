// webpack's entry: the import line of the README's bundler snippet.
import 'occupation-coder/osca2024';
